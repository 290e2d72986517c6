// The password rules a person is told in the browser and the server enforces (no server imports).
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
