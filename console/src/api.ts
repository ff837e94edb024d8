/**
 * The hub's API, same origin as the page. The session is an HttpOnly cookie
 * the page cannot read; every request carries the console header, without
 * which the hub ignores the cookie (its guard against cross-site forgery).
 * Types mirror `workervoice-protocol` (`staff`, `admin`, `proposal`).
 */

import type { PublishedCategoryCounts } from './category-counts.js';
import type { SurveyResults } from './surveys.js';

export type StaffRole = 'programme_admin' | 'factory_admin' | 'brand_staff' | 'auditor';
export type Right =
  | 'list_factories'
  | 'read_factory'
  | 'read_aggregates'
  | 'manage_factory'
  | 'read_programme'
  | 'read_audit'
  | 'manage_programme';

export interface StaffAccount {
  id: string;
  login: string;
  display_name: string;
  role: StaffRole;
  factory_ids: string[];
  brand_id?: string;
  totp_enabled: boolean;
  disabled: boolean;
  created_at: number;
}

/** `GET /staff/v1/console/session`. */
export interface ConsoleSession {
  account: StaffAccount;
  rights: Right[];
  all_factories: boolean;
  factory_ids: string[];
  idle_secs: number;
}

export interface Factory {
  id: string;
  name: string;
  join_code?: string | null;
  kiosk_idle_timeout_secs: number;
}
export interface WorkerSummary {
  worker_number: string;
  display_name: string;
  language: string;
  activated: boolean;
  failed_attempts: number;
  locked: boolean;
}
export interface DeviceSummary {
  device_id: string;
  mode: 'personal' | 'shared';
  platform: string;
  state: string;
  enrolled_at: number;
  last_seen_at?: number | null;
  last_sync_at?: number | null;
  queued?: number | null;
  needs_attention?: number | null;
  wipe_requested_at?: number | null;
  wiped_at?: number | null;
}
export interface IssuedCode {
  code: string;
  qr_payload: string;
  mode: 'personal' | 'shared';
  expires_at: number;
}
export interface RosterEntry {
  worker_number: string;
  display_name: string;
  language: string;
  department?: string;
}
export interface ActivationCode {
  worker_number: string;
  activation_code: string;
  /** The card's QR code (`workervoice://activate?…`), written by the hub with its public URL. */
  qr_payload: string;
}
export interface RosterImportResponse {
  added: number;
  updated: number;
  activation_codes: ActivationCode[];
}
export interface ModuleCompletion {
  module_id: string;
  workers_started: number | null;
  workers_passed: number | null;
}
export interface Brand {
  id: string;
  name: string;
  factory_ids: string[];
}
export interface InvitationResponse {
  invitation_token: string;
  role: StaffRole;
  expires_at: number;
}
export interface RoleSettings {
  role: StaffRole;
  totp_required: boolean;
}
export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  object_kind: string;
  object_id: string;
}
export interface ProposalSummary {
  id: string;
  kind: 'directory' | 'pack' | 'delegation';
  state: 'pending' | 'published' | 'superseded';
  created_at: number;
  created_by: string;
}

/** `GET /admin/v1/deadlines`: one route's working deadlines, in days (ADR 0020). */
export interface RouteDeadlines {
  route: string;
  acknowledge_days: number;
  respond_days: number;
  resolve_days?: number | null;
  default?: boolean;
}
/** `GET /admin/v1/factories/{id}/grievance-report`: one month; `null` is a suppressed count. */
export interface GrievanceMonth {
  month: string;
  received: number | null;
  acknowledged_in_time: number | null;
  overdue: number | null;
  resolved: number | null;
  /** Median whole hours to the first acknowledgement (null: fewer than five cases). */
  median_hours_to_acknowledge: number | null;
  /** Median whole days to resolution (null: fewer than five cases). */
  median_days_to_resolve: number | null;
}

/** `GET /admin/v1/content` (`protocol::staff_lists`): whether the key holder's signature is on a version. */
export type SignatureState = 'verified' | 'invalid' | 'awaiting';
export interface PublishedVersion {
  version: number;
  manifest_sha256: string;
  published_at: number;
  total_bytes: number;
  media: number;
  signature: SignatureState;
  proposal_id?: string;
}
export interface PublishedItem {
  kind: 'training_module' | 'survey';
  id: string;
  titles: Record<string, string>;
  current_version?: number;
  all_factories: boolean;
  factory_ids: string[];
  versions: PublishedVersion[];
}
/** `protocol::admin::SurveyTarget`: who may answer a survey. */
export type SurveyTarget =
  | { type: 'everyone' }
  | { type: 'factories'; factory_ids: string[] }
  | { type: 'departments'; factory_id: string; departments: string[] }
  | { type: 'workers'; factory_id: string; worker_numbers: string[] }
  | { type: 'after_event'; event: string; after_days: number; open_days?: number };
export interface SurveySchedule {
  opens_at?: number;
  closes_at?: number;
  target: SurveyTarget;
}
/** `GET /admin/v1/surveys/{id}/schedule`: no schedule means open to every worker of its factories. */
export interface SurveyScheduleView {
  survey_id: string;
  schedule?: SurveySchedule;
}
/** `GET /admin/v1/events`: the workers are counted, never named. */
export interface EventSummary {
  event_id: string;
  kind: string;
  factory_id: string;
  at: number;
  recorded_at: number;
  workers: number;
}

/** `GET /admin/v1/factories/{id}/survey-aggregates`: a published survey's group for one factory. */
export interface FactorySurveyAggregates {
  results: SurveyResults;
  /** The start of the day (UTC) an analyst published them, unix seconds. */
  published_on: number;
}

/** A refusal from the hub: its protocol error code (or `network`). */
export class HubRequestError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly retryAfterSecs: number | null,
  ) {
    super(`hub refused: ${code} (${status})`);
    this.name = 'HubRequestError';
  }
}

/** Called when the hub says the session is gone (401), so the page signs out. */
let onSessionEnded: () => void = () => undefined;
export function whenSessionEnds(handler: () => void): void {
  onSessionEnded = handler;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { 'X-WorkerVoice-Console': '1', Accept: 'application/json' };
  let payload: string | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = contentType ?? 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'error',
      ...(payload !== undefined ? { body: payload } : {}),
    });
  } catch {
    throw new HubRequestError('network', 0, null);
  }
  let parsed: unknown = null;
  try {
    parsed = await response.json();
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = isRecord(parsed) && isRecord(parsed['error']) ? parsed['error'] : {};
    const code = typeof error['code'] === 'string' ? error['code'] : 'internal';
    const retry = typeof error['retry_after_secs'] === 'number' ? error['retry_after_secs'] : null;
    if (
      response.status === 401 &&
      !path.startsWith('/staff/v1/console/login') &&
      !path.includes('/invitations/accept')
    ) {
      onSessionEnded();
    }
    throw new HubRequestError(code, response.status, retry);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

/** Every call the console makes. */
export const api = {
  login: (login: string, password: string, totpCode: string | null) =>
    request<ConsoleSession>('POST', '/staff/v1/console/login', {
      login,
      password,
      ...(totpCode !== null ? { totp_code: totpCode } : {}),
    }),
  session: () => request<ConsoleSession>('GET', '/staff/v1/console/session'),
  logout: () => request<unknown>('POST', '/staff/v1/console/logout'),
  changePassword: (oldPassword: string, newPassword: string) =>
    request<unknown>('POST', '/staff/v1/password', { old_password: oldPassword, new_password: newPassword }),
  acceptInvitation: (body: {
    invitation_token: string;
    login: string;
    display_name: string;
    password: string;
    totp_secret?: string;
    totp_code?: string;
  }) => request<StaffAccount>('POST', '/staff/v1/invitations/accept', body),

  factories: () => request<Factory[]>('GET', '/admin/v1/factories'),
  createFactory: (name: string) => request<Factory>('POST', '/admin/v1/factories', { name, self_registration: false }),
  factorySettings: (factory: string, kioskIdleSecs: number, utcOffsetMinutes: number | null) =>
    request<unknown>('POST', `/admin/v1/factories/${enc(factory)}/settings`, {
      kiosk_idle_timeout_secs: kioskIdleSecs,
      ...(utcOffsetMinutes !== null ? { utc_offset_minutes: utcOffsetMinutes } : {}),
    }),
  workers: (factory: string) => request<WorkerSummary[]>('GET', `/admin/v1/factories/${enc(factory)}/workers`),
  importRoster: (factory: string, workers: RosterEntry[]) =>
    request<RosterImportResponse>('POST', `/admin/v1/factories/${enc(factory)}/roster`, { workers }),
  resetWorker: (factory: string, worker: string) =>
    request<{ activation: ActivationCode }>('POST', `/admin/v1/factories/${enc(factory)}/workers/${enc(worker)}/reset`),
  unlockWorker: (factory: string, worker: string) =>
    request<unknown>('POST', `/admin/v1/factories/${enc(factory)}/workers/${enc(worker)}/unlock`),
  devices: (factory: string) => request<DeviceSummary[]>('GET', `/admin/v1/factories/${enc(factory)}/devices`),
  retireDevice: (device: string) => request<unknown>('POST', `/admin/v1/devices/${enc(device)}/retire`),
  wipeDevice: (device: string) => request<unknown>('POST', `/admin/v1/devices/${enc(device)}/wipe`),
  issueCodes: (factory: string, mode: 'personal' | 'shared', count: number, validDays: number) =>
    request<{ codes: IssuedCode[] }>('POST', `/admin/v1/factories/${enc(factory)}/enrolment-codes`, {
      mode,
      count,
      valid_days: validDays,
    }),
  trainingReport: (factory: string) =>
    request<ModuleCompletion[]>('GET', `/admin/v1/factories/${enc(factory)}/training-report`),

  brands: () => request<Brand[]>('GET', '/admin/v1/brands'),
  createBrand: (name: string) => request<Brand>('POST', '/admin/v1/brands', { name }),
  linkFactory: (brand: string, factory: string) =>
    request<Brand>('POST', `/admin/v1/brands/${enc(brand)}/factories`, { factory_id: factory }),
  accounts: () => request<StaffAccount[]>('GET', '/admin/v1/staff/accounts'),
  invite: (role: StaffRole, factoryIds: string[], brandId: string | null) =>
    request<InvitationResponse>('POST', '/admin/v1/staff/invitations', {
      role,
      ...(factoryIds.length > 0 ? { factory_ids: factoryIds } : {}),
      ...(brandId !== null ? { brand_id: brandId } : {}),
    }),
  revokeSessions: (account: string) =>
    request<StaffAccount>('POST', `/admin/v1/staff/accounts/${enc(account)}/revoke-sessions`),
  disableAccount: (account: string) =>
    request<StaffAccount>('POST', `/admin/v1/staff/accounts/${enc(account)}/disable`),
  roles: () => request<RoleSettings[]>('GET', '/admin/v1/staff/roles'),
  setRole: (role: StaffRole, totpRequired: boolean) =>
    request<RoleSettings>('POST', `/admin/v1/staff/roles/${enc(role)}`, { role, totp_required: totpRequired }),
  proposals: () => request<ProposalSummary[]>('GET', '/admin/v1/proposals'),
  audit: (after: number) => request<AuditEntry[]>('GET', `/admin/v1/audit?after=${after}`),
  deadlines: () => request<RouteDeadlines[]>('GET', '/admin/v1/deadlines'),
  setDeadlines: (route: string, acknowledgeDays: number, respondDays: number, resolveDays: number | null) =>
    request<RouteDeadlines>('POST', `/admin/v1/deadlines/${enc(route)}`, {
      acknowledge_days: acknowledgeDays,
      respond_days: respondDays,
      resolve_days: resolveDays,
    }),
  grievanceReport: (factory: string) =>
    request<GrievanceMonth[]>('GET', `/admin/v1/factories/${enc(factory)}/grievance-report`),
  content: () => request<PublishedItem[]>('GET', '/admin/v1/content'),
  schedule: (survey: string) => request<SurveyScheduleView>('GET', `/admin/v1/surveys/${enc(survey)}/schedule`),
  setSchedule: (survey: string, schedule: SurveySchedule) =>
    request<SurveySchedule>('POST', `/admin/v1/surveys/${enc(survey)}/schedule`, schedule),
  events: () => request<EventSummary[]>('GET', '/admin/v1/events'),
  recordEvent: (kind: string, factory: string, at: number, workerNumbers: string[]) =>
    request<{ event_id: string; workers: number }>('POST', '/admin/v1/events', {
      kind,
      factory_id: factory,
      at,
      worker_numbers: workerNumbers,
    }),
  categoryCounts: (factory: string) =>
    request<PublishedCategoryCounts[]>('GET', `/admin/v1/factories/${enc(factory)}/category-counts`),
  surveyAggregates: (factory: string) =>
    request<FactorySurveyAggregates[]>('GET', `/admin/v1/factories/${enc(factory)}/survey-aggregates`),
};
