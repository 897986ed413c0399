import type { FunctionComponent } from "preact";

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

export const BOOK_SCREENS: readonly BookScreen[] = [];
