/** The version of docs/protocol.md this server speaks; 1.0 devices keep working unchanged. */
export const PROTOCOL_VERSION = "1.1";
