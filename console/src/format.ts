/** Times are shown in the property's timezone, whatever the browser's; money is stored in fen and shown in yuan. */
export function when(iso: string | null | undefined, timezone: string): string {
  if (!iso) return "";
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  // One compact shape in both languages: a desk reads "11/30 09:15" the same way in Chinese and English.
  return `${part("month")}/${part("day")} ${part("hour")}:${part("minute")}`;
}

export function yuan(cents: number | null | undefined): string {
  if (cents === null || cents === undefined) return "";
  return `¥${(cents / 100).toFixed(2)}`;
}

export function cents(yuanText: string): number | null {
  const value = Number.parseFloat(yuanText);
  return Number.isFinite(value) ? Math.round(value * 100) : null;
}

function offsetMs(at: number, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) - at;
}

/** A wall-clock time typed in the property's timezone ("2026-11-30T14:00") as an instant (ISO, UTC). */
export function fromLocalInput(value: string, timezone: string): string {
  const [date, time] = value.split("T");
  const [y, m, d] = (date ?? "").split("-").map(Number);
  const [hh, mm] = (time ?? "00:00").split(":").map(Number);
  const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  let instant = wall - offsetMs(wall, timezone);
  instant = wall - offsetMs(instant, timezone);
  return new Date(instant).toISOString();
}

/** The property's calendar date of an instant, YYYY-MM-DD. */
export function localDate(at: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: timezone }).format(at);
}

/** The instant the property's day (or month) of `at` began, as ISO. */
export function startOfLocalDay(at: Date, timezone: string, month = false): string {
  const date = localDate(at, timezone);
  return fromLocalInput(`${month ? `${date.slice(0, 8)}01` : date}T00:00`, timezone);
}
