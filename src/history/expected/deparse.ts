/**
 * Expressions printed back from the parse tree (column defaults), by npm's `pgsql-deparser`:
 * the libpg-query maintainers' printer for the same tree, rather than slicing source text.
 */
import type { Node } from 'libpg-query';

export async function loadDeparser(): Promise<(node: Node) => string> {
  const { Deparser } = await import('pgsql-deparser');
  return (node) => Deparser.deparse(node as never);
}
