/** What each webhook event means, for the console (docs/integrations.md "Events and payloads"). */
export const EVENT_LABELS: Record<string, string> = {
  "device.claimed": "A device was claimed (new, re-provisioned or a replacement)",
  "device.silent": "A device has sent nothing for the silence period",
  "device.revoked": "Staff revoked a device",
  "device.lost": "An owner reported a device lost or stolen",
  "participant.withdrawn": "A participant withdrew from a study (pseudonymous)",
  "firmware.update_failed": "A firmware update failed on a device",
};
