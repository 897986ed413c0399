import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { Api, Property, Staff } from "./api";
import type { Session } from "./auth";

/** What every screen needs: the typed API client, who is signed in, their property and its staff. */
export interface Desk {
  api: Api;
  session: Session;
  property: Property | null;
  staff: Staff[];
  timezone: string;
  notify: (message: string, failed?: boolean) => void;
}

export const DeskContext = createContext<Desk | null>(null);

export function useDesk(): Desk {
  const desk = useContext(DeskContext);
  if (!desk) throw new Error("useDesk outside the console");
  return desk;
}
