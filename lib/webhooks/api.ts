import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { idOrNotFound } from "../ids";
import { listStudies } from "../studies/studies";
import { listDeliveries, replayDelivery } from "./deliveries";
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  rollSecret,
  updateSubscription,
} from "./subscriptions";

// Webhook use cases as the staff routes and pages call them (docs/integrations.md "Webhooks").

const policy = () => ({ allowLoopback: env().webhookLoopback });

export async function createSubscriptionRequest(actor: Actor, user: SessionUser, body: unknown) {
  const { db } = await appDatabase();
  return createSubscription(db, env().secretKey, policy(), { ...actor, id: user.id }, body);
}

export async function subscriptionsForStaff() {
  const { db } = await appDatabase();
  return listSubscriptions(db);
}

export async function subscriptionForStaff(subscriptionId: string | undefined) {
  const { db } = await appDatabase();
  return getSubscription(db, idOrNotFound("whk", subscriptionId));
}

export async function updateSubscriptionRequest(actor: Actor, subscriptionId: string | undefined, body: unknown) {
  const { db } = await appDatabase();
  return updateSubscription(db, policy(), actor, idOrNotFound("whk", subscriptionId), body);
}

export async function deleteSubscriptionRequest(actor: Actor, subscriptionId: string | undefined) {
  const { db } = await appDatabase();
  await deleteSubscription(db, actor, idOrNotFound("whk", subscriptionId));
}

export async function rollSecretRequest(actor: Actor, subscriptionId: string | undefined) {
  const { db } = await appDatabase();
  return rollSecret(db, env().secretKey, actor, idOrNotFound("whk", subscriptionId));
}

export async function deliveriesForStaff(subscriptionId: string | undefined) {
  const { db } = await appDatabase();
  return listDeliveries(db, idOrNotFound("whk", subscriptionId));
}

export async function replayDeliveryRequest(
  actor: Actor,
  subscriptionId: string | undefined,
  deliveryId: string | undefined,
) {
  const { db } = await appDatabase();
  return replayDelivery(db, actor, idOrNotFound("whk", subscriptionId), idOrNotFound("dlv", deliveryId));
}

/** The studies a subscription may be limited to, for the form. */
export async function studyChoices(): Promise<{ id: string; name: string }[]> {
  const { db } = await appDatabase();
  return (await listStudies(db)).map((s) => ({ id: s.id, name: s.name.en ?? s.name.nl ?? s.id }));
}
