import type { Route } from './route.js';

export interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
}

export type Lookup =
  { kind: 'found'; match: Match } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

/** Exact-path routing over OpenAPI templates (`/user/{user_id}/journey`); a `{param}` is one segment. */
export function createRouter(routes: readonly Route[]): (method: string, path: string) => Lookup {
  const compiled = routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (m === null) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(m[1] as string);
        return '([^/]+)';
      })
      .join('/');
    return { route, names, re: new RegExp(`^${source}$`) };
  });
  return (method, path) => {
    const allowed: string[] = [];
    for (const c of compiled) {
      const m = c.re.exec(path);
      if (m === null) continue;
      if (c.route.method !== method) {
        allowed.push(c.route.method);
        continue;
      }
      const params: Record<string, string> = {};
      let ok = true;
      c.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1] as string);
        } catch {
          ok = false;
        }
      });
      if (ok) return { kind: 'found', match: { route: c.route, params } };
    }
    return allowed.length > 0 ? { kind: 'method', allowed } : { kind: 'none' };
  };
}
