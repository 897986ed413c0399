import type { Api, Property } from "./api";
import type { Session } from "./auth";
import { t } from "./i18n";

/** Group-level staff (a group manager, the 400 call centre) work on one property at a time, chosen here and
 * kept for the signed-in session (this tab), like the session itself. */
const key = (session: Session) => `propdesk.property.${session.sub}`;

export function chosenProperty(session: Session, properties: Property[]): Property | null {
  const kept = sessionStorage.getItem(key(session));
  return properties.find((p) => p.id === kept) ?? properties[0] ?? null;
}

export function keepChoice(session: Session, propertyId: string): void {
  sessionStorage.setItem(key(session), propertyId);
}

// The listings that take the property as a query parameter: group-level staff must name it (the API answers
// 400 otherwise), and for a property's own staff it names the one property they may see anyway.
const SCOPED = [/\/tickets$/, /\/reports\/[^/]+\/[^/]+$/];

/** The client, with every ticket listing and report asked for the chosen property. */
export function scopedTo(api: Api, propertyId: string | undefined): Api {
  if (!propertyId) return api;
  api.use({
    onRequest({ request }) {
      const url = new URL(request.url);
      if (request.method !== "GET" || url.searchParams.has("property_id")) return request;
      if (!SCOPED.some((path) => path.test(url.pathname))) return request;
      url.searchParams.set("property_id", propertyId);
      return new Request(url, request);
    },
  });
  return api;
}

/** The header's choice of property, shown only to those who can see more than one. */
export function PropertyPicker({
  properties,
  current,
  onPick,
}: {
  properties: Property[];
  current: Property | null;
  onPick: (property: Property) => void;
}) {
  if (properties.length < 2) return null;
  return (
    <label class="picker">
      <span>{t("property")}</span>
      <select
        value={current?.id ?? ""}
        onChange={(e) => {
          const picked = properties.find((p) => p.id === e.currentTarget.value);
          if (picked) onPick(picked);
        }}
      >
        {properties.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}
