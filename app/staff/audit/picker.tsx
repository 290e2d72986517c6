"use client";

import { X } from "lucide-react";
import { useEffect, useId, useRef, useState } from "react";
import { api } from "../../_components/api";
import { cn } from "../../_components/ui/cn";
import { Input, Label } from "../../_components/ui/field";

export type PickerOption = { id: string; label: string; detail?: string };

/**
 * Picks an account or a device by typing part of its name or email (ARIA combobox: arrow keys
 * move through the matches, Enter picks, Escape closes). The chosen id is submitted under
 * `name`; nobody pastes ids. `search` asks the staff API for matches.
 */
export function Picker({
  id,
  name,
  label,
  placeholder,
  chosen,
  clearLabel,
  noMatch,
  kind,
}: {
  id: string;
  name: string;
  label: string;
  placeholder?: string;
  chosen: PickerOption | null;
  clearLabel: string;
  noMatch: string;
  kind: "account" | "device";
}) {
  const [value, setValue] = useState<PickerOption | null>(chosen);
  const [text, setText] = useState("");
  const [options, setOptions] = useState<PickerOption[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open || text.trim().length < 1) return;
    let stale = false;
    const t = setTimeout(async () => {
      try {
        const q = encodeURIComponent(text.trim());
        const found: PickerOption[] =
          kind === "account"
            ? (
                await api<{ accounts: { id: string; name: string; email: string }[] }>(`/api/v1/staff/accounts?q=${q}`)
              ).accounts.map((a) => ({ id: a.id, label: a.name, detail: a.email }))
            : (
                await api<{ devices: { id: string; name: string; ownerEmail: string }[] }>(
                  `/api/v1/staff/devices?q=${q}&limit=8`,
                )
              ).devices.map((d) => ({ id: d.id, label: d.name, detail: d.ownerEmail }));
        if (!stale) {
          setOptions(found.slice(0, 8));
          setActive(0);
        }
      } catch {
        if (!stale) setOptions([]);
      }
    }, 150);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [text, open, kind]);

  function pick(o: PickerOption) {
    setValue(o);
    setOpen(false);
    setText("");
  }

  if (value)
    return (
      <div className="flex min-w-0 flex-col gap-1.5">
        <span className="text-sm font-medium" id={`${id}-label`}>
          {label}
        </span>
        <input type="hidden" name={name} value={value.id} />
        <div
          className="flex min-h-10 min-w-0 items-center gap-2 rounded-md border border-line-strong bg-sunken px-3 text-sm"
          data-testid={`${id}-chosen`}
        >
          <span className="min-w-0 flex-1 truncate" title={value.detail ?? value.label}>
            {value.label}
            {value.detail && <span className="text-muted"> · {value.detail}</span>}
          </span>
          <button
            type="button"
            className="cursor-pointer rounded p-1 text-muted hover:text-fg"
            aria-label={`${clearLabel}: ${value.label}`}
            onClick={() => {
              setValue(null);
              queueMicrotask(() => input.current?.focus());
            }}
          >
            <X aria-hidden="true" className="size-4" />
          </button>
        </div>
      </div>
    );

  const shown = open && text.trim().length > 0;
  return (
    <div className="relative flex min-w-0 flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        ref={input}
        id={id}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={shown && options[active] ? `${listId}-${active}` : undefined}
        autoComplete="off"
        placeholder={placeholder}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setOpen(true);
        }}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") {
            e.preventDefault();
            setOpen(true);
            setActive((a) => Math.min(a + 1, Math.max(0, options.length - 1)));
          } else if (e.key === "ArrowUp") {
            e.preventDefault();
            setActive((a) => Math.max(0, a - 1));
          } else if (e.key === "Enter" && shown && options[active]) {
            e.preventDefault();
            pick(options[active]);
          } else if (e.key === "Escape") {
            setOpen(false);
          }
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={label}
        hidden={!shown}
        className="absolute top-full z-30 mt-1 max-h-72 w-full overflow-auto rounded-md border border-line bg-surface p-1 shadow-lg"
      >
        {options.length === 0 ? (
          <li className="px-2.5 py-2 text-sm text-muted" role="option" aria-selected={false} aria-disabled>
            {noMatch}
          </li>
        ) : (
          options.map((o, i) => (
            <li
              key={o.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={cn("cursor-pointer rounded px-2.5 py-1.5 text-sm", i === active && "bg-sunken")}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(o)}
              onMouseEnter={() => setActive(i)}
            >
              <span className="block truncate">{o.label}</span>
              {o.detail && <span className="block truncate text-xs text-muted">{o.detail}</span>}
            </li>
          ))
        )}
      </ul>
    </div>
  );
}
