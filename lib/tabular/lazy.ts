/**
 * arquero, loaded on first use: it takes about 60 ms to load, which `require('kindling')` should
 * not pay when no table is touched.
 */
import type * as Arquero from 'arquero';

let mod: typeof Arquero | null = null;

/**
 * The arquero module (kindling's data-frame library), for table work beyond kindling's helpers.
 * @example
 * const aq = torch.tabular.arquero();
 * const t = aq.table({ a: [1, 2], b: ['x', 'y'] }).filter((d) => d.a > 1);
 */
export function arquero(): typeof Arquero {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (mod ??= require('arquero') as typeof Arquero);
}
