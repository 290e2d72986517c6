import { getTranslations } from "next-intl/server";
import { FLEET_SORTS, FLEET_STATUSES } from "@/lib/devices/schemas";
import { Button, ButtonLink } from "../../_components/ui/button";
import { Field, Input, Select } from "../../_components/ui/field";

/**
 * The fleet's search and filters (a GET form: the filter is the page's address, so a view can
 * be bookmarked and shared with another staff member).
 */
export async function FleetFilters({
  filter,
  query,
  silentHours,
  studies,
}: {
  filter: Record<string, string>;
  query: Record<string, string>;
  silentHours: string;
  studies: { id: string; name: string }[];
}) {
  const t = await getTranslations("staffDevices");
  const tStatus = await getTranslations("deviceStatus");
  const filtered = Object.keys(filter).length > 0;
  return (
    <form role="search" action="/staff/devices" aria-label={t("filterLabel")} className="space-y-3">
      <div className="flex flex-wrap items-end gap-2">
        <Field id="fleet-q" label={t("search")} className="min-w-[min(100%,16rem)] flex-1">
          <Input id="fleet-q" name="q" type="search" defaultValue={filter.q ?? ""} maxLength={100} />
        </Field>
        <Button type="submit" variant="secondary">
          {t("searchButton")}
        </Button>
        {filtered && (
          <ButtonLink href="/staff/devices" variant="ghost">
            {t("clearFilters")}
          </ButtonLink>
        )}
      </div>
      <details
        className="rounded-lg border border-line bg-surface"
        open={filtered && Object.keys(filter).some((k) => k !== "q")}
      >
        <summary className="flex min-h-10 cursor-pointer items-center px-4 text-sm font-medium">
          {t("filtersAndSort")}
        </summary>
        <div className="grid gap-3 border-t border-line p-4 sm:grid-cols-2 lg:grid-cols-4">
          <Field id="fleet-status" label={t("status")}>
            <Select id="fleet-status" name="status" defaultValue={filter.status ?? ""}>
              <option value="">{t("any")}</option>
              {FLEET_STATUSES.map((st) => (
                <option key={st} value={st}>
                  {tStatus(st)}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="fleet-model" label={t("modelExact")}>
            <Input id="fleet-model" name="model" defaultValue={filter.model ?? ""} maxLength={100} />
          </Field>
          <Field id="fleet-firmware" label={t("firmwareExact")}>
            <Input id="fleet-firmware" name="firmware" defaultValue={filter.firmware ?? ""} maxLength={100} />
          </Field>
          <Field id="fleet-owner" label={t("ownerContains")}>
            <Input id="fleet-owner" name="owner" defaultValue={filter.owner ?? ""} maxLength={254} />
          </Field>
          <Field id="fleet-study" label={t("study")}>
            <Select id="fleet-study" name="study" defaultValue={filter.study ?? ""}>
              <option value="">{t("any")}</option>
              {studies.map((st) => (
                <option key={st.id} value={st.id}>
                  {st.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="fleet-seen-after" label={t("seenAfter")}>
            <Input id="fleet-seen-after" name="seenAfter" type="date" defaultValue={filter.seenAfter ?? ""} />
          </Field>
          <Field id="fleet-seen-before" label={t("seenBefore")}>
            <Input id="fleet-seen-before" name="seenBefore" type="date" defaultValue={filter.seenBefore ?? ""} />
          </Field>
          <Field id="fleet-sort" label={t("sortBy")}>
            <Select id="fleet-sort" name="sort" defaultValue={query.sort ?? "lastSeen"}>
              {FLEET_SORTS.map((st) => (
                <option key={st} value={st}>
                  {t(`sorts.${st}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field id="fleet-dir" label={t("order")}>
            <Select id="fleet-dir" name="dir" defaultValue={query.dir ?? ""}>
              <option value="">{t("orderDefault")}</option>
              <option value="asc">{t("ascending")}</option>
              <option value="desc">{t("descending")}</option>
            </Select>
          </Field>
          <Field id="fleet-silent" label={t("silentHours")}>
            <Input id="fleet-silent" name="silentHours" type="number" min={1} max={8760} defaultValue={silentHours} />
          </Field>
          <div className="flex items-end">
            <Button type="submit">{t("apply")}</Button>
          </div>
        </div>
      </details>
    </form>
  );
}
