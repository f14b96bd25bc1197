/** Django's `escape` (django.utils.html): the five characters, `'` as `&#x27;`. The demo's pages all use it. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}
