import type { Content } from "@loopkit/core";

/** Renders a logged input or output (text or chat messages) as plain text for a judge prompt. */
export function contentText(content: Content | null | undefined): string {
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content.map((message) => `${message.role}: ${message.content ?? ""}`).join("\n");
}
