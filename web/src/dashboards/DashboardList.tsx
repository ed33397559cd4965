import { useState, type ChangeEvent } from 'react';
import { clock } from '../format.ts';
import { routeHref } from '../route.ts';
import { usePoll } from '../usePoll.ts';
import {
  createFromTemplate,
  importDashboard,
  importGrafana,
  listDashboards,
  listTemplates,
} from './dashboardsApi.ts';

/** `executive` → `Executive`. */
const titleCase = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Opens a dashboard by changing the URL hash. */
function open(id: string): void {
  location.hash = routeHref('dashboards', { id });
}

/**
 * The tenant's dashboards, creating one from a template (Executive, Operations, Developer, Tenant), and importing
 * a dashboard JSON file (this console's own export, or a Grafana dashboard JSON).
 */
export function DashboardList() {
  const list = usePoll(listDashboards, 10_000, []);
  const templates = usePoll(listTemplates, 60_000, []);
  const [message, setMessage] = useState<string | null>(null);
  const fail = (e: unknown) => setMessage(e instanceof Error ? e.message : String(e));

  const onFile = (e: ChangeEvent<HTMLInputElement>): void => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    file
      .text()
      .then(async (text) => {
        const body = JSON.parse(text) as Record<string, unknown>;
        // A Grafana dashboard has `panels` (or `dashboard.panels` when exported with its metadata); ours has `widgets`.
        if ('widgets' in body) return open((await importDashboard(body)).id);
        const res = await importGrafana(body);
        open(res.data.id);
      })
      .catch(fail);
  };

  return (
    <>
      <section className="panel">
        <h2>New dashboard</h2>
        <div className="form-actions">
          {(templates.data ?? []).map((t) => (
            <button key={t} type="button" onClick={() => createFromTemplate(t).then((r) => open(r.id), fail)}>
              {`From the ${titleCase(t)} template`}
            </button>
          ))}
          <label className="file-button">
            Import JSON (dashboard or Grafana)
            <input type="file" accept="application/json,.json" onChange={onFile} />
          </label>
        </div>
        {message && (
          <p className="error" role="alert">
            {message}
          </p>
        )}
        {templates.error && <p className="error">{templates.error}</p>}
      </section>
      <section className="panel">
        <h2>Dashboards {list.data && <span className="muted">({list.data.total})</span>}</h2>
        {list.error && <p className="error">{list.error}</p>}
        {list.data?.items.length === 0 && (
          <p className="muted">No dashboards yet: create one from a template.</p>
        )}
        <ul className="dashboard-list">
          {(list.data?.items ?? []).map((d) => (
            <li key={d.id}>
              <a href={routeHref('dashboards', { id: d.id })}>{d.title}</a>
              <span className="muted">
                {' '}
                {d.widgets} widgets · version {d.version} · updated {clock(d.updatedAtMs)}
                {d.tags.length > 0 ? ` · ${d.tags.join(', ')}` : ''}
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
