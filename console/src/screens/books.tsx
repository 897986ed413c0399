import type { FunctionComponent } from "preact";
import { DutyToday } from "./duty";
import { HouseholdScreen } from "./household";
import { KnowledgeBook } from "./knowledge";
import { RegistersScreen } from "./registers";

/**
 * The desk's books that are not tickets (duty log, knowledge base, zones, household plans, registers): each one's
 * screen is added here once its API routes exist, and the desk and manager screens show it as one more tab.
 */
export interface BookScreen {
  key: string;
  title: { "zh-CN": string; en: string };
  roles: readonly string[];
  Screen: FunctionComponent;
}

// The desk keeps the duty log; the control room writes to it at night and the manager reviews it.
const DUTY_KEEPERS = ["desk_agent", "callcentre_agent", "control_room", "manager"] as const;
const BOOK_READERS = ["desk_agent", "callcentre_agent", "manager", "butler", "dispatcher"] as const;
// 管理处: the clerk keeps the registers; finance takes permit fees; the gate checks documents, logs mail, asks.
// 家政: the desk and the butler record requests and keep plans, the team leader prices on site, the manager the prices.
const HOUSEHOLD = ["team_leader", "butler", "desk_agent", "manager"] as const;
const REGISTER_KEEPERS = ["office_clerk", "finance", "security", "manager"] as const;

export const BOOK_SCREENS: readonly BookScreen[] = [
  { key: "duty", title: { "zh-CN": "今日值班记录", en: "Today's duty log" }, roles: DUTY_KEEPERS, Screen: DutyToday },
  { key: "knowledge", title: { "zh-CN": "答客问", en: "Knowledge base" }, roles: BOOK_READERS, Screen: KnowledgeBook },
  {
    key: "registers",
    title: { "zh-CN": "管理处登记", en: "Site office registers" },
    roles: REGISTER_KEEPERS,
    Screen: RegistersScreen,
  },
  { key: "household", title: { "zh-CN": "家政服务", en: "Household services" }, roles: HOUSEHOLD, Screen: HouseholdScreen },
];
