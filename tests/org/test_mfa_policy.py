from django.core.cache import cache

from congdoan.org import services
from congdoan.org.choices import Role


def test_role_requiring_mfa_sends_holder_to_setup(tree, admin_user, officer_a, client_for):
    cache.clear()
    client = client_for(officer_a)
    assert client.get("/units/").status_code == 200
    services.set_role_policy(admin_user, Role.OFFICER, require_mfa=True)
    cache.clear()
    response = client.get("/units/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    # the API is not redirected (tokens need the code instead)
    assert client.get("/healthz").status_code == 200


def test_policy_needs_top_administrator(tree, zone_admin):
    import pytest

    from congdoan.common.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.set_role_policy(zone_admin, Role.OFFICER, require_mfa=True)
