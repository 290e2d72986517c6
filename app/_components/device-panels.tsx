import { formatValue, propertyLabel } from "./format";
import { Time } from "./time";

type Reading = { property: string; unit: string | null; time: Date; value: number };
type ActivityEvent = { id: number | string; at: Date; action: string; outcome: string; actorLabel?: string | null };

/** A device's newest value of each property, for its owner, a viewer or staff. */
export function LatestValues({ latest, empty }: { latest: Reading[]; empty: string }) {
  if (latest.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="values" data-testid="latest-values">
      {latest.map((r) => (
        <div className="value" key={r.property}>
          <strong>{formatValue(r.value, r.unit)}</strong>
          <span>
            {propertyLabel(r.property)} · <Time value={r.time} />
          </span>
        </div>
      ))}
    </div>
  );
}

/** A device's audit events, newest first; `showActor` adds who did it (the staff view). */
export function ActivityTable({ events, showActor = false }: { events: ActivityEvent[]; showActor?: boolean }) {
  if (events.length === 0) return <p className="muted">No activity recorded.</p>;
  return (
    <div className="table-wrap">
      <table data-testid="device-audit">
        <thead>
          <tr>
            <th>When</th>
            {showActor && <th>Who</th>}
            <th>What</th>
            <th>Outcome</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>
                <Time value={e.at} />
              </td>
              {showActor && <td>{e.actorLabel}</td>}
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                {e.outcome === "success" ? (
                  <span className="badge">success</span>
                ) : (
                  <span className="badge disabled">failure</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
