import { noChange } from 'lit';
import { Directive, PartType, directive, type AttributePart, type PartInfo } from 'lit/directive.js';

/**
 * Sets CSS properties through the CSSOM (`element.style.setProperty`), also on first render. Lit's own
 * styleMap writes the first value as a `style` attribute, which the server's Content-Security-Policy
 * (style-src 'self', no 'unsafe-inline') blocks. Names are CSS names: `grid-template-columns`, not camelCase.
 */
class StylePropsDirective extends Directive {
  #previous = new Set<string>();

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ATTRIBUTE || info.name !== 'style') throw new Error('styleProps belongs in a style attribute binding: style=${styleProps({...})}');
  }

  render(_props: Readonly<Record<string, string>>): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [props]: [Readonly<Record<string, string>>]): typeof noChange {
    const style = part.element.style;
    for (const name of this.#previous) if (!(name in props)) style.removeProperty(name);
    for (const [name, value] of Object.entries(props)) style.setProperty(name, value);
    this.#previous = new Set(Object.keys(props));
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
