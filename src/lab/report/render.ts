/**
 * Turns a Vega-Lite spec into SVG text: Vega-Lite compiles it to Vega, and a
 * headless Vega view (no browser, no canvas) renders the scenegraph as SVG.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The SVG document of `spec`, starting with `<svg`. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
