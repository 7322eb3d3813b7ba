/**
 * Text that goes into a Slack message. Slack's formatting reference: "Slack uses &, <, and > as
 * control characters for special parsing in text objects, so they must be converted to HTML
 * entities if they're not going to be used for their parsing purpose." Every value a message
 * interpolates (ids, names, error and AWS messages, what a webhook answered, labels from the
 * config) goes through `slackEscape`, so none can become a mention (`<!channel>`), a link
 * (`<https://…|…>`) or an entity. Only keyturn's own markup (bold, code, its console links) is
 * written unescaped, around escaped values.
 */
export function slackEscape(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
