/** Programme-wide pages: factories, brands and their suppliers, staff accounts and invitations, proposals awaiting the key holder, the audit log. */

import { api, type StaffRole } from '../api.js';
import { route, type Context } from '../app.js';
import { field, h, ltr, replace, table, when } from '../dom.js';
import { language, t } from '../i18n.js';

function factoryLink(context: Context, id: string, name: string): HTMLAnchorElement {
  const anchor = h('a', { href: `/factories/${encodeURIComponent(id)}` }, name);
  anchor.addEventListener('click', (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    context.navigate(`/factories/${encodeURIComponent(id)}`);
  });
  return anchor;
}

route(/^\/factories$/, 'list_factories', async (context) => {
  const factories = await api.factories();
  const body = h(
    'div',
    {},
    factories.length === 0
      ? h('p', {}, t('factories-none'))
      : table(
          t('factories-caption'),
          [t('factory-name'), t('factory-id')],
          factories.map((factory) => [factoryLink(context, factory.id, factory.name), h('code', {}, factory.id)]),
        ),
  );
  if (context.can('manage_programme')) {
    const name = h('input', { type: 'text', id: 'factory-name', required: true, autocomplete: 'off' });
    const submit = h('button', { type: 'submit' }, t('factory-create'));
    const form = h('form', {}, h('h2', {}, t('factory-create-title')), field(t('factory-name'), name), submit);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      api
        .createFactory(name.value)
        .then((factory) => {
          context.announce(t('factory-created', { name: factory.name }));
          context.navigate(`/factories/${encodeURIComponent(factory.id)}`);
        })
        .catch((error: unknown) => context.fail(error));
    });
    body.appendChild(form);
  }
  return { title: t('nav-factories'), body };
});

route(/^\/brands$/, 'read_programme', async (context) => {
  const [brands, factories] = await Promise.all([api.brands(), api.factories()]);
  const factoryName = (id: string): string => factories.find((factory) => factory.id === id)?.name ?? id;
  const body = h(
    'div',
    {},
    brands.length === 0
      ? h('p', {}, t('brands-none'))
      : table(
          t('brands-caption'),
          [t('brand-name'), t('brand-suppliers')],
          brands.map((brand) => [
            brand.name,
            brand.factory_ids.length === 0 ? t('none') : brand.factory_ids.map(factoryName).join(', '),
          ]),
        ),
  );
  if (context.can('manage_programme')) {
    const name = h('input', { type: 'text', id: 'brand-name', required: true, autocomplete: 'off' });
    const create = h(
      'form',
      {},
      h('h2', {}, t('brand-create-title')),
      field(t('brand-name'), name),
      h('button', { type: 'submit' }, t('brand-create')),
    );
    create.addEventListener('submit', (event) => {
      event.preventDefault();
      api
        .createBrand(name.value)
        .then((brand) => {
          context.announce(t('brand-created', { name: brand.name }));
          context.navigate('/brands');
        })
        .catch((error: unknown) => context.fail(error));
    });
    const brandSelect = h(
      'select',
      { id: 'link-brand', required: true },
      ...brands.map((brand) => h('option', { value: brand.id }, brand.name)),
    );
    const factorySelect = h(
      'select',
      { id: 'link-factory', required: true },
      ...factories.map((factory) => h('option', { value: factory.id }, factory.name)),
    );
    const link = h(
      'form',
      {},
      h('h2', {}, t('brand-link-title')),
      field(t('brand-name'), brandSelect),
      field(t('factory-name'), factorySelect),
      h('button', { type: 'submit', disabled: brands.length === 0 || factories.length === 0 }, t('brand-link')),
    );
    link.addEventListener('submit', (event) => {
      event.preventDefault();
      api
        .linkFactory(brandSelect.value, factorySelect.value)
        .then(() => {
          context.announce(t('brand-linked'));
          context.navigate('/brands');
        })
        .catch((error: unknown) => context.fail(error));
    });
    body.append(create, link);
  }
  return { title: t('nav-brands'), body };
});

const ROLES: readonly StaffRole[] = ['programme_admin', 'factory_admin', 'brand_staff', 'auditor'];

route(/^\/staff$/, 'read_programme', async (context) => {
  const [accounts, roles] = await Promise.all([api.accounts(), api.roles()]);
  const rows = accounts.map((account) => {
    const actions = h('div', { class: 'actions' });
    if (context.can('manage_programme') && account.id !== context.session.account.id && !account.disabled) {
      const revoke = h('button', { type: 'button', class: 'secondary' }, t('staff-revoke'));
      revoke.setAttribute('aria-label', t('staff-revoke-for', { login: account.login }));
      revoke.addEventListener('click', () => {
        api
          .revokeSessions(account.id)
          .then(() => context.announce(t('staff-revoked', { login: account.login })))
          .catch((error: unknown) => context.fail(error));
      });
      const disable = h('button', { type: 'button', class: 'danger' }, t('staff-disable'));
      disable.setAttribute('aria-label', t('staff-disable-for', { login: account.login }));
      disable.addEventListener('click', () => {
        if (!window.confirm(t('staff-disable-confirm', { login: account.login }))) return;
        api
          .disableAccount(account.id)
          .then(() => context.navigate('/staff'))
          .catch((error: unknown) => context.fail(error));
      });
      actions.append(revoke, disable);
    }
    return [
      account.login,
      account.display_name,
      t(`role-${account.role}`),
      account.totp_enabled ? t('yes') : t('no'),
      account.disabled ? t('staff-disabled') : t('staff-active'),
      actions,
    ];
  });
  const body = h(
    'div',
    {},
    table(
      t('staff-caption'),
      [t('login-label'), t('worker-name'), t('role-label'), t('totp-label-short'), t('staff-state'), t('actions')],
      rows,
    ),
    table(
      t('roles-caption'),
      [t('role-label'), t('roles-totp-required'), ...(context.can('manage_programme') ? [t('actions')] : [])],
      roles.map((setting) => {
        const row: (HTMLElement | string)[] = [t(`role-${setting.role}`), setting.totp_required ? t('yes') : t('no')];
        if (context.can('manage_programme')) {
          const role = t(`role-${setting.role}`);
          const toggle = h(
            'button',
            { type: 'button', class: setting.totp_required ? 'secondary' : 'danger' },
            setting.totp_required ? t('roles-totp-off', { role }) : t('roles-totp-on', { role }),
          );
          toggle.addEventListener('click', () => {
            // Requiring it shuts out that role's accounts without a second factor until they are invited again.
            if (!setting.totp_required && !window.confirm(t('roles-totp-on-confirm', { role }))) return;
            api
              .setRole(setting.role, !setting.totp_required)
              .then(() => context.navigate('/staff'))
              .catch((error: unknown) => context.fail(error));
          });
          row.push(toggle);
        }
        return row;
      }),
    ),
  );
  if (context.can('manage_programme')) body.appendChild(await invitationForm(context));
  return { title: t('nav-staff'), body };
});

async function invitationForm(context: Context): Promise<HTMLElement> {
  const [factories, brands] = await Promise.all([api.factories(), api.brands()]);
  const role = h('select', { id: 'invite-role' }, ...ROLES.map((r) => h('option', { value: r }, t(`role-${r}`))));
  const factorySelect = h(
    'select',
    { id: 'invite-factories', multiple: true, size: String(Math.min(5, Math.max(2, factories.length))) },
    ...factories.map((factory) => h('option', { value: factory.id }, factory.name)),
  );
  const brandSelect = h(
    'select',
    { id: 'invite-brand' },
    ...brands.map((brand) => h('option', { value: brand.id }, brand.name)),
  );
  const factoryField = field(t('invite-factories'), factorySelect, t('invite-factories-hint'));
  const brandField = field(t('brand-name'), brandSelect);
  const sync = (): void => {
    factoryField.hidden = role.value !== 'factory_admin';
    brandField.hidden = role.value !== 'brand_staff';
  };
  role.addEventListener('change', sync);
  sync();
  const result = h('div', { class: 'invitation', 'aria-live': 'polite' });
  const form = h(
    'form',
    {},
    h('h2', {}, t('invite-title')),
    field(t('role-label'), role),
    factoryField,
    brandField,
    h('button', { type: 'submit' }, t('invite-submit')),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = role.value as StaffRole;
    const factoryIds =
      chosen === 'factory_admin' ? [...factorySelect.selectedOptions].map((option) => option.value) : [];
    const brandId = chosen === 'brand_staff' ? brandSelect.value : null;
    api
      .invite(chosen, factoryIds, brandId)
      .then((invitation) => {
        // The token travels in the fragment: never sent to the hub by the browser, never in a referrer.
        const link = `${window.location.origin}/accept#token=${encodeURIComponent(invitation.invitation_token)}`;
        const output = h('input', { type: 'text', readonly: true, id: 'invitation-link', value: link });
        replace(
          result,
          h('p', {}, t('invite-created', { expires: when(invitation.expires_at, language().locale) })),
          field(t('invite-link'), output),
        );
        output.select();
      })
      .catch((error: unknown) => context.fail(error));
  });
  return form;
}

route(/^\/proposals$/, 'read_programme', async () => {
  const proposals = await api.proposals();
  const pending = proposals.filter((proposal) => proposal.state === 'pending');
  return {
    title: t('nav-proposals'),
    body: h(
      'div',
      {},
      h('p', {}, t('proposals-intro')),
      h('p', { class: 'summary' }, t('proposals-pending-count', { count: pending.length })),
      table(
        t('proposals-caption'),
        [t('proposal-kind'), t('proposal-state'), t('proposal-created'), t('proposal-id')],
        proposals.map((proposal) => [
          t(`proposal-kind-${proposal.kind}`),
          t(`proposal-state-${proposal.state}`),
          when(proposal.created_at, language().locale),
          h('code', {}, proposal.id),
        ]),
      ),
    ),
  };
});

route(/^\/audit$/, 'read_audit', async (context) => {
  const after = Number(new URLSearchParams(window.location.search).get('after') ?? '0');
  const [entries, accounts] = await Promise.all([
    api.audit(Number.isSafeInteger(after) && after >= 0 ? after : 0),
    context.can('read_programme') ? api.accounts() : Promise.resolve([]),
  ]);
  // The log keeps opaque account ids; show the login beside them where the role may list accounts.
  const logins = new Map(accounts.map((account) => [account.id, account.login]));
  const who = (actor: string): string => {
    const login = actor.startsWith('staff:') ? logins.get(actor.slice('staff:'.length)) : undefined;
    return login === undefined ? actor : `${login} (${actor})`;
  };
  const object = (kind: string, id: string): string => {
    const login = kind === 'staff_account' ? logins.get(id) : undefined;
    return login === undefined ? `${kind} ${id}` : `${kind} ${login}`;
  };
  const body = h(
    'div',
    {},
    table(
      t('audit-caption'),
      [t('audit-seq'), t('audit-at'), t('audit-actor'), t('audit-action'), t('audit-object')],
      entries.map((entry) => [
        String(entry.seq),
        when(entry.at, language().locale),
        ltr(who(entry.actor)),
        ltr(entry.action),
        ltr(object(entry.object_kind, entry.object_id)),
      ]),
    ),
  );
  const last = entries[entries.length - 1];
  if (entries.length >= 500 && last !== undefined) {
    const next = h('a', { href: `/audit?after=${last.seq}` }, t('audit-next'));
    next.addEventListener('click', (event) => {
      event.preventDefault();
      context.navigate(`/audit?after=${last.seq}`);
    });
    body.appendChild(next);
  }
  return { title: t('nav-audit'), body };
});
