import { staffAccounts } from "./accounts";
import { staffAudit } from "./audit";
import { staffDevices } from "./devices";
import { staffFirmware } from "./firmware";
import { staffFirmwareUpdates } from "./firmware-updates";
import { staffInvitations } from "./invitations";
import { staffLegacy } from "./legacy";
import { staffModels } from "./models";
import { staffRollouts } from "./rollouts";
import { staffStudies } from "./studies";
import { staffWebhooks } from "./webhooks";

/** The staff console's areas. Their GETs also admit support (read-only staff); every other method admits staff only. */
export const staffAreas = [
  staffAccounts,
  staffDevices,
  staffFirmwareUpdates,
  staffInvitations,
  staffAudit,
  staffLegacy,
  staffModels,
  staffFirmware,
  staffStudies,
  staffWebhooks,
  staffRollouts,
];
