-- Consents are append-only: a consent given is evidence and is never rewritten or erased.
CREATE OR REPLACE FUNCTION consents_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'consents is append-only';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER consents_append_only
  BEFORE UPDATE OR DELETE ON consents
  FOR EACH ROW EXECUTE FUNCTION consents_refuse_change();
--> statement-breakpoint
CREATE TRIGGER consents_no_truncate
  BEFORE TRUNCATE ON consents
  FOR EACH STATEMENT EXECUTE FUNCTION consents_refuse_change();
--> statement-breakpoint
-- A consent version shown to a participant never changes and is never deleted; only the moment
-- it was first shown is written, once. Editing makes a new version (lib/studies/consent-versions.ts).
CREATE OR REPLACE FUNCTION consent_versions_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.first_shown_at IS NOT NULL THEN
      RAISE EXCEPTION 'consent version % was shown and cannot be deleted', OLD.id;
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.first_shown_at IS NOT NULL AND (
       NEW.id IS DISTINCT FROM OLD.id OR NEW.study_id IS DISTINCT FROM OLD.study_id
    OR NEW.version IS DISTINCT FROM OLD.version OR NEW.text IS DISTINCT FROM OLD.text
    OR NEW.changes IS DISTINCT FROM OLD.changes OR NEW.requires_reconsent IS DISTINCT FROM OLD.requires_reconsent
    OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.first_shown_at IS DISTINCT FROM OLD.first_shown_at) THEN
    RAISE EXCEPTION 'consent version % was shown and cannot change', OLD.id;
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER consent_versions_immutable_once_shown
  BEFORE UPDATE OR DELETE ON consent_versions
  FOR EACH ROW EXECUTE FUNCTION consent_versions_refuse_change();
--> statement-breakpoint
-- The audit log stays append-only, with one exception: deleting an account (the right to
-- erasure) replaces the labels and address that name the person, inside its own transaction,
-- which says so with `set local claimlink.audit_redaction = 'on'`. Nothing else of an event
-- (time, ids, action, outcome, detail) can change, and nothing can be deleted.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('claimlink.audit_redaction', true) = 'on'
     AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
     AND NEW.action = OLD.action AND NEW.subject_user_id IS NOT DISTINCT FROM OLD.subject_user_id
     AND NEW.subject_device_id IS NOT DISTINCT FROM OLD.subject_device_id
     AND NEW.outcome = OLD.outcome AND NEW.detail = OLD.detail
     AND (NEW.ip IS NULL OR NEW.ip = OLD.ip) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;
