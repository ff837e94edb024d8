//! Who may do what: every staff route mapped to the one right it needs, and
//! the one function that decides whether a role, within its scope, holds
//! that right. Nothing else in the hub decides access for staff; a route
//! missing from [`ROUTE_RIGHTS`] is refused.
//!
//! | right | programme admin | factory admin | brand staff | auditor |
//! | --- | --- | --- | --- | --- |
//! | `ListFactories` (factories, published content: answer filtered to the scope) | all | its factories | its brand's suppliers | all |
//! | `ReadFactory` (workers, devices) | yes | its factories | no | yes |
//! | `ReadAggregates` (training and grievance reports) | yes | its factories | its brand's suppliers | yes |
//! | `ManageFactory` (codes, roster, workers, devices, settings) | yes | its factories | no | no |
//! | `ReadProgramme` (programme, handlers, staff, brands, proposals) | yes | no | no | yes |
//! | `ReadAudit` | yes | no | no | yes |
//! | `ManageProgramme` (factories, reader invitations, directory, proposal signatures, surveys, staff, brands) | yes | no | no | no |
//! | `Bootstrap` | the admin token only, while no programme admin exists | | | |

use workervoice_protocol::staff::StaffRole;

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Right {
    /// List factories (the handler shows only those in scope).
    ListFactories,
    /// Read a factory's lists (workers, devices).
    ReadFactory,
    /// Read a factory's aggregates (training, grievance and survey reports, cases by category).
    ReadAggregates,
    /// Change a factory's roster, devices, codes or settings.
    ManageFactory,
    /// Read programme-wide lists.
    ReadProgramme,
    /// Read the staff audit log.
    ReadAudit,
    /// Change anything programme-wide.
    ManageProgramme,
    /// Create the first programme admin's invitation (admin token only).
    Bootstrap,
}

impl Right {
    /// Whether the right is about one factory (named in the path, directly
    /// or through a device).
    pub(crate) fn is_per_factory(self) -> bool {
        matches!(self, Self::ReadFactory | Self::ReadAggregates | Self::ManageFactory)
    }

    /// Name used in the route table printed for tests.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ListFactories => "list_factories",
            Self::ReadFactory => "read_factory",
            Self::ReadAggregates => "read_aggregates",
            Self::ManageFactory => "manage_factory",
            Self::ReadProgramme => "read_programme",
            Self::ReadAudit => "read_audit",
            Self::ManageProgramme => "manage_programme",
            Self::Bootstrap => "bootstrap",
        }
    }
}

/// Every `/admin/v1` route (method, axum path template) and the right it needs.
pub(crate) const ROUTE_RIGHTS: &[(&str, &str, Right)] = &[
    ("POST", "/admin/v1/bootstrap", Right::Bootstrap),
    ("POST", "/admin/v1/factories", Right::ManageProgramme),
    ("GET", "/admin/v1/factories", Right::ListFactories),
    ("POST", "/admin/v1/factories/{factory_id}/enrolment-codes", Right::ManageFactory),
    ("POST", "/admin/v1/factories/{factory_id}/settings", Right::ManageFactory),
    ("POST", "/admin/v1/factories/{factory_id}/roster", Right::ManageFactory),
    ("GET", "/admin/v1/factories/{factory_id}/workers", Right::ReadFactory),
    ("POST", "/admin/v1/factories/{factory_id}/workers/{worker_number}/unlock", Right::ManageFactory),
    ("POST", "/admin/v1/factories/{factory_id}/workers/{worker_number}/reset", Right::ManageFactory),
    ("GET", "/admin/v1/factories/{factory_id}/devices", Right::ReadFactory),
    ("GET", "/admin/v1/factories/{factory_id}/training-report", Right::ReadAggregates),
    ("GET", "/admin/v1/factories/{factory_id}/surveys/{survey_id}/aggregates", Right::ReadAggregates),
    ("GET", "/admin/v1/factories/{factory_id}/grievance-report", Right::ReadAggregates),
    ("GET", "/admin/v1/factories/{factory_id}/category-counts", Right::ReadAggregates),
    ("GET", "/admin/v1/factories/{factory_id}/survey-aggregates", Right::ReadAggregates),
    ("POST", "/admin/v1/devices/{device_id}/retire", Right::ManageFactory),
    ("POST", "/admin/v1/devices/{device_id}/wipe", Right::ManageFactory),
    ("GET", "/admin/v1/programme", Right::ReadProgramme),
    ("POST", "/admin/v1/directory/propose", Right::ManageProgramme),
    ("GET", "/admin/v1/proposals", Right::ReadProgramme),
    ("GET", "/admin/v1/proposals/{proposal_id}", Right::ReadProgramme),
    ("POST", "/admin/v1/proposals/{proposal_id}/signature", Right::ManageProgramme),
    ("POST", "/admin/v1/readers/invitations", Right::ManageProgramme),
    ("GET", "/admin/v1/handlers", Right::ReadProgramme),
    ("POST", "/admin/v1/handlers/{handler_id}/disable", Right::ManageProgramme),
    ("POST", "/admin/v1/surveys/{survey_id}/schedule", Right::ManageProgramme),
    ("POST", "/admin/v1/events", Right::ManageProgramme),
    ("GET", "/admin/v1/surveys/{survey_id}/schedule", Right::ReadProgramme),
    ("GET", "/admin/v1/events", Right::ReadProgramme),
    // Filtered to the scope, as the factory list is (`crate::content::listing`).
    ("GET", "/admin/v1/content", Right::ListFactories),
    ("POST", "/admin/v1/staff/invitations", Right::ManageProgramme),
    ("GET", "/admin/v1/staff/accounts", Right::ReadProgramme),
    ("POST", "/admin/v1/staff/accounts/{account_id}/revoke-sessions", Right::ManageProgramme),
    ("POST", "/admin/v1/staff/accounts/{account_id}/disable", Right::ManageProgramme),
    ("GET", "/admin/v1/staff/roles", Right::ReadProgramme),
    ("POST", "/admin/v1/staff/roles/{role}", Right::ManageProgramme),
    ("GET", "/admin/v1/audit", Right::ReadAudit),
    ("POST", "/admin/v1/brands", Right::ManageProgramme),
    ("GET", "/admin/v1/brands", Right::ReadProgramme),
    ("POST", "/admin/v1/brands/{brand_id}/factories", Right::ManageProgramme),
    ("GET", "/admin/v1/deadlines", Right::ReadProgramme),
    ("POST", "/admin/v1/deadlines/{route}", Right::ManageProgramme),
];

/// The right a route needs; `None` for a route nobody listed (refused).
pub(crate) fn right_for(method: &str, template: &str) -> Option<Right> {
    ROUTE_RIGHTS.iter().find(|(m, path, _)| *m == method && *path == template).map(|(_, _, right)| *right)
}

/// Whose factories a staff account may see (its scope).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The factories a factory admin manages, or a brand's suppliers.
    pub(crate) factory_ids: Vec<String>,
}

/// THE decision: may an account with `role` and `scope` use `right`, on
/// `factory` when the route is about one factory? Programme admins hold
/// every right but bootstrap; the others only what the table above gives.
pub(crate) fn allows(role: StaffRole, scope: &Scope, right: Right, factory: Option<&str>) -> bool {
    let in_scope = || factory.is_some_and(|id| scope.factory_ids.iter().any(|own| own == id));
    match (role, right) {
        (_, Right::Bootstrap) => false,
        (StaffRole::ProgrammeAdmin, _) => true,
        (_, Right::ListFactories) => true,
        (StaffRole::Auditor, Right::ReadFactory | Right::ReadAggregates | Right::ReadProgramme | Right::ReadAudit) => {
            true
        }
        (StaffRole::FactoryAdmin, Right::ReadFactory | Right::ReadAggregates | Right::ManageFactory) => in_scope(),
        (StaffRole::BrandStaff, Right::ReadAggregates) => in_scope(),
        _ => false,
    }
}

/// Whether an account may see `factory` in a factory list.
pub(crate) fn sees_factory(role: StaffRole, scope: &Scope, factory: &str) -> bool {
    matches!(role, StaffRole::ProgrammeAdmin | StaffRole::Auditor) || scope.factory_ids.iter().any(|id| id == factory)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(ids: &[&str]) -> Scope {
        Scope { factory_ids: ids.iter().map(|id| (*id).to_owned()).collect() }
    }

    #[test]
    fn an_auditor_holds_no_right_that_changes_anything() {
        for (method, path, right) in ROUTE_RIGHTS {
            if *method != "GET" {
                assert!(!allows(StaffRole::Auditor, &scope(&[]), *right, Some("f")), "{method} {path}");
            }
        }
    }

    #[test]
    fn a_factory_admin_holds_factory_rights_only_in_its_factories() {
        let own = scope(&["a"]);
        assert!(allows(StaffRole::FactoryAdmin, &own, Right::ManageFactory, Some("a")));
        assert!(!allows(StaffRole::FactoryAdmin, &own, Right::ManageFactory, Some("b")));
        assert!(!allows(StaffRole::FactoryAdmin, &own, Right::ManageFactory, None));
        assert!(!allows(StaffRole::FactoryAdmin, &own, Right::ManageProgramme, Some("a")));
    }

    #[test]
    fn brand_staff_see_only_their_suppliers_aggregates() {
        let suppliers = scope(&["a"]);
        assert!(allows(StaffRole::BrandStaff, &suppliers, Right::ReadAggregates, Some("a")));
        assert!(!allows(StaffRole::BrandStaff, &suppliers, Right::ReadAggregates, Some("b")));
        assert!(!allows(StaffRole::BrandStaff, &suppliers, Right::ReadFactory, Some("a")));
    }

    #[test]
    fn nobody_bootstraps_with_a_session() {
        for role in StaffRole::ALL {
            assert!(!allows(role, &scope(&[]), Right::Bootstrap, None));
        }
    }

    #[test]
    fn every_route_template_is_listed_once() {
        for (index, (method, path, _)) in ROUTE_RIGHTS.iter().enumerate() {
            assert!(
                ROUTE_RIGHTS[index + 1..].iter().all(|(m, p, _)| (m, p) != (method, path)),
                "{method} {path} listed twice"
            );
        }
    }
}
