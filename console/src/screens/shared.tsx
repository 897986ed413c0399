import { useDesk } from "../context";
import { language } from "../i18n";
import { BOOK_SCREENS } from "./books";

/** The tabs of the books the signed-in role may open. */
export function bookTabs(): [string, string][] {
  const { session } = useDesk();
  return BOOK_SCREENS.filter((b) => b.roles.includes(session.role)).map((b) => [b.key, b.title[language()]]);
}

export function BookTabs({ current }: { current: string }) {
  const book = BOOK_SCREENS.find((b) => b.key === current);
  return book ? <book.Screen /> : null;
}
