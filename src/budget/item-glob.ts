// Globs over item paths (`radio::*`), used by [[budget]] and [[ignore]] entries.

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '(?:(?!::).)*';
    else if (c === '?') re += '[^:]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Item globs: `*` matches within one path segment (not across `::`), `**` across segments, `?` one character.
 * A glob is matched against the item path (`radio::Radio::send`) and against it prefixed with its crate
 * (`app::radio::Radio::send`), so both `radio::*` and `app::**` work.
 */
export function itemMatches(glob: string, item: { crate: string; name: string }): boolean {
  const re = globToRegExp(glob);
  return re.test(item.name) || re.test(`${item.crate}::${item.name}`);
}
