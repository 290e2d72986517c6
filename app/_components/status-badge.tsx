const TEXT = {
  online: "Online",
  offline: "Offline",
  revoked: "Revoked",
  lost: "Lost or stolen",
  released: "Released",
  legacy: "Legacy node",
} as const;

export function StatusBadge({ status }: { status: keyof typeof TEXT }) {
  return (
    <span className={`badge status-${status}`} data-testid="device-status">
      {TEXT[status]}
    </span>
  );
}
