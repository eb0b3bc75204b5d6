"""The shop's dashboard, a page of the back office (identity's admin site)."""

from emporium.analytics.api.dashboard_page import dashboard_page
from emporium.identity.public import BackOfficePage, register_back_office_page

register_back_office_page(
    BackOfficePage(
        route="dashboard/",
        name="dashboard",
        title="Dashboard",
        description="Sales, orders and customers over a period, against the period before.",
        view=dashboard_page,
    )
)
