import { useEffect, useMemo, useState } from 'react';
import type { DashboardRecord, VariableOptions } from '../../../src/contract/dashboards.ts';
import type { DashboardSpec } from '../../../src/contract/dashboard-spec.ts';
import { ApiError } from '../api.ts';
import { clock } from '../format.ts';
import { routeHref } from '../route.ts';
import { AddWidgetForm } from './AddWidgetForm.tsx';
import { DashboardToolbar } from './DashboardToolbar.tsx';
import { deleteDashboard, getDashboard, getVariableOptions, saveDashboard } from './dashboardsApi.ts';
import { useDashboardLive } from './useDashboardLive.ts';
import { VariablePicker } from './VariablePicker.tsx';
import { effectiveVars, paramsOfVars, varsOfParams, type SelectedVars } from './variables.ts';
import { WidgetView } from './WidgetView.tsx';

/**
 * An open dashboard: its widgets with live data (WS /ws/dashboards/{id}), and editing — time range, refresh,
 * add and remove widgets — saved with the version it was loaded at (a stale version is refused by the server
 * with 409 and shown with a reload button); the variables' pickers (selections kept in the URL as
 * `var-<name>=v1,v2`); deleting after a confirmation (a version changed meanwhile is refused with 409 and shown
 * with a reload button). `exportMode` shows only the title and widgets (the server's PNG/PDF rendering opens this).
 */
export function DashboardEditor(props: {
  readonly id: string;
  readonly exportMode: boolean;
  readonly params: URLSearchParams;
}) {
  const [record, setRecord] = useState<DashboardRecord | null>(null);
  const [draft, setDraft] = useState<DashboardSpec | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [saving, setSaving] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [variables, setVariables] = useState<readonly VariableOptions[]>([]);
  const [variablesError, setVariablesError] = useState<string | null>(null);
  const paramsKey = props.params.toString();
  const selected = useMemo(() => varsOfParams(new URLSearchParams(paramsKey)), [paramsKey]);
  const vars = useMemo(() => effectiveVars(selected, variables), [selected, variables]);
  const live = useDashboardLive(props.id, generation, vars);
  useEffect(() => {
    getVariableOptions(props.id).then(
      (v) => {
        setVariables(v);
        setVariablesError(null);
      },
      (e: unknown) => setVariablesError(e instanceof Error ? e.message : String(e)),
    );
  }, [props.id, generation]);
  const selectVars = (next: SelectedVars): void => {
    location.hash = routeHref('dashboards', {
      id: props.id,
      export: props.exportMode ? '1' : undefined,
      ...paramsOfVars(next),
    });
  };

  const load = (): void => {
    getDashboard(props.id)
      .then((r) => {
        setRecord(r);
        setDraft(r.dashboard);
        setConflict(null);
        setError(null);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  useEffect(load, [props.id]);

  if (error) return <p className="panel error">{error}</p>;
  if (!record || !draft) return <p className="panel muted">Loading dashboard…</p>;
  const dirty = draft !== record.dashboard;
  const save = (): void => {
    setSaving(true);
    saveDashboard(props.id, record.version, draft)
      .then((r) => {
        setRecord(r);
        setDraft(r.dashboard);
        setGeneration((g) => g + 1);
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 409)
          setConflict(
            `Someone saved this dashboard after you opened it (you edited version ${record.version}). Reload to get the latest version; your unsaved changes will be lost.`,
          );
        else setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => setSaving(false));
  };
  const remove = (): void => {
    setConfirmDelete(false);
    deleteDashboard(props.id, record.version)
      .then(() => {
        location.hash = routeHref('dashboards');
      })
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 409)
          setConflict(
            `This dashboard was changed after you opened version ${record.version}, so it was not deleted. Reload to see the latest version, then delete it if you still want to.`,
          );
        else setError(e instanceof Error ? e.message : String(e));
      });
  };
  const data = new Map((live.data?.widgets ?? []).map((w) => [w.id, w]));
  const widgets = [...draft.widgets].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  const ready = live.data !== undefined;
  return (
    <div className="dashboard" data-export-ready={ready ? 'true' : undefined}>
      <div className="dashboard-head">
        {!props.exportMode && <a href={routeHref('dashboards')}>← All dashboards</a>}
        <h2>{draft.title}</h2>
        <span className="muted" data-testid="updated-at">
          {live.receivedAtMs === null ? 'waiting for data' : `Updated ${clock(live.receivedAtMs)}`} · version{' '}
          {record.version}
          {live.connected ? ' · live' : ''}
        </span>
      </div>
      {draft.description !== '' && <p className="muted">{draft.description}</p>}
      {!live.connected && live.data && (
        <p className="stale-banner" role="alert">
          Live updates are disconnected: the data shown is from {clock(live.receivedAtMs ?? Date.now())} and
          may be stale. Reconnecting…
        </p>
      )}
      {live.error && (
        <p className="error" role="alert">
          {live.error}
        </p>
      )}
      {conflict && (
        <div className="conflict" role="alert">
          <p>{conflict}</p>
          <button type="button" onClick={load}>
            Reload
          </button>
        </div>
      )}
      {!props.exportMode && (
        <DashboardToolbar
          id={props.id}
          spec={draft}
          vars={vars}
          dirty={dirty}
          saving={saving}
          onChange={setDraft}
          onAddWidget={() => setAdding(true)}
          onSave={save}
          onDelete={() => setConfirmDelete(true)}
        />
      )}
      {confirmDelete && (
        <div className="conflict" role="alertdialog" aria-labelledby="delete-question">
          <p id="delete-question">{`Delete the dashboard “${draft.title}” (version ${record.version}) for everyone in this tenant? This cannot be undone.`}</p>
          <div className="form-actions">
            <button type="button" className="danger" onClick={remove}>
              Delete dashboard
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {!props.exportMode && <VariablePicker variables={variables} selected={vars} onChange={selectVars} />}
      {variablesError && <p className="error">{`Variable choices unavailable: ${variablesError}`}</p>}
      {adding && (
        <AddWidgetForm
          widgets={draft.widgets}
          onCancel={() => setAdding(false)}
          onAdd={(w) => {
            setDraft({ ...draft, widgets: [...draft.widgets, w] });
            setAdding(false);
          }}
        />
      )}
      <div className="widget-grid">
        {widgets.map((w) => (
          <WidgetView
            key={w.id}
            widget={w}
            data={data.get(w.id)}
            startMs={live.data?.startMs ?? Date.now()}
            endMs={live.data?.endMs ?? Date.now()}
            {...(props.exportMode
              ? {}
              : {
                  onRemove: () => setDraft({ ...draft, widgets: draft.widgets.filter((x) => x.id !== w.id) }),
                })}
          />
        ))}
      </div>
      {widgets.length === 0 && <p className="muted">This dashboard has no widgets yet.</p>}
    </div>
  );
}
