"""Accounts, API tokens and the security audit log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from emporium.identity.domain.roles import Role
from emporium.infrastructure.db.maintenance import AuditLogIsImmutable, may_delete, may_update
from emporium.multitenancy.context import current_tenant
from emporium.multitenancy.scoping import TenantOrPlatformManager, TenantOwnedModel


class UserManager(TenantOrPlatformManager["User"], BaseUserManager["User"]):
    """Accounts of the current tenant; with no tenant in context, platform operators only."""

    use_in_migrations = False

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))

    def create_user(
        self, email: str, password: str | None, *, role: Role | str, name: str = "", **extra: Any
    ) -> User:
        """Create an account of the current tenant."""
        tenant = current_tenant()
        if tenant is None:
            raise ValueError("A tenant account needs a tenant in context.")
        user = self.model(email=normalize_email(email), name=name, role=Role(role).value, **extra)
        user.tenant_id = tenant.id
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_operator(self, email: str, password: str | None, name: str = "") -> User:
        """Create a platform operator: no tenant, back office on the bare base domain."""
        user = self.model(email=normalize_email(email), name=name, role=None, tenant=None)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None, **extra: Any) -> User:
        """Create an operator (``createsuperuser``)."""
        return self.create_operator(email, password, extra.get("name", ""))


def normalize_email(email: str) -> str:
    """Return the e-mail as accounts store and look it up: trimmed, lower case."""
    return email.strip().lower()


class User(AbstractBaseUser):
    """An account: of one tenant with one role there, or a platform operator (no tenant).

    The same e-mail in two tenants is two accounts. The table is private per tenant under RLS
    (policy ``tenant-or-platform``): a tenant's requests see its accounts, platform requests
    see operators only.
    """

    rls_policy = "tenant-or-platform"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(
        "tenancy.Tenant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        editable=False,
    )
    email = models.EmailField(max_length=254)
    name = models.CharField(max_length=200, blank=True)
    # NULL, not "", for operators: they have no role at all.
    role = models.CharField(  # noqa: DJ001
        max_length=16, choices=[(r.value, r.value) for r in Role], null=True, blank=True
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set by erasure (ADR 0022): the account is then read-only everywhere, the back office too.
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "email"], name="identity_email_per_tenant"),
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(tenant__isnull=True),
                name="identity_operator_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_operator(self) -> bool:
        """Return whether this is a platform operator."""
        return self.tenant_id is None

    @property
    def role_enum(self) -> Role | None:
        """Return the role as a ``Role``, None for operators."""
        return Role(self.role) if self.role else None

    @property
    def manages_shop(self) -> bool:
        """Return whether the account is the shop's owner or staff (``Role.manages_shop``)."""
        role = self.role_enum
        return role is not None and role.manages_shop

    # The back office (Django admin) asks these; roles answer them, not Django's permission tables.
    @property
    def is_staff(self) -> bool:
        return self.is_operator or self.manages_shop

    @property
    def is_superuser(self) -> bool:
        return self.is_operator

    # Only operators hold Django's model permissions: tenant staff reach tenant data solely
    # through TenantModelAdmin, which decides by role, so a plain ModelAdmin registered for a
    # platform-wide model is never open to a shop's staff by accident.
    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_active and self.is_operator

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and self.is_operator


class AccessToken(TenantOwnedModel):
    """A bearer token: stored as the SHA-256 of its secret, bound to its tenant, expiring."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key_hash"], name="identity_token_key")
        ]
        indexes = [models.Index(fields=["tenant", "user"], name="identity_token_user")]

    def __str__(self) -> str:
        return f"token of {self.user_id}"


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """Audit entries: ``update`` and ``delete`` refuse unless ``audit.maintenance`` allows them
    (ADR 0021); PostgreSQL's trigger refuses them too, below the ORM."""

    def update(self, **kwargs: Any) -> int:
        if not may_update():
            raise AuditLogIsImmutable("audit entries are changed only by erasure")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if not may_delete():
            raise AuditLogIsImmutable("audit entries are deleted only by retention or offboarding")
        return super().delete()

    def bulk_create(
        self,
        objs: Any,
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Any = None,
        unique_fields: Any = None,
    ) -> list[AuditEvent]:
        if update_conflicts:  # an INSERT ... ON CONFLICT DO UPDATE is an update
            raise AuditLogIsImmutable("audit entries are changed only by erasure")
        return super().bulk_create(
            objs, batch_size, ignore_conflicts, update_conflicts, update_fields, unique_fields
        )


#: The current tenant's entries (the platform's outside any tenant), immutable.
AuditManager = TenantOrPlatformManager.from_queryset(AuditQuerySet)


class AuditEvent(models.Model):
    """A security event: who (an account id, never an e-mail), which tenant (NULL: the platform),
    what, when, from which address and user agent, under which request id.

    Entries are written once (``audit.record``) and never changed: only retention deletes them,
    erasure scrubs the address and user agent of an account's entries, offboarding deletes a
    tenant's (``audit.maintenance``; ADR 0021).
    """

    rls_policy = "tenant-or-platform"

    id = models.BigAutoField(primary_key=True)
    tenant = models.ForeignKey(
        "tenancy.Tenant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    event = models.CharField(max_length=40)  # the API's "type"
    user_id = models.UUIDField(null=True, blank=True)  # kept after the account is erased
    # A keyed hash (HMAC) of an e-mail that names no account (a failed sign-in), never the e-mail.
    email_hash = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditManager()
    #: Every tenant's entries and the platform's (operators, retention; the owner's connection).
    everywhere = models.Manager.from_queryset(AuditQuerySet)()

    class Meta:
        base_manager_name = "objects"
        indexes = [models.Index(fields=["tenant", "-occurred_at"], name="identity_audit_recent")]

    def __str__(self) -> str:
        return f"{self.event} {self.user_id or self.email_hash[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding:
            # Only ever an INSERT: a new instance given an existing entry's id would otherwise
            # be an UPDATE of that entry (SQLite has no trigger to refuse it).
            kwargs["force_insert"] = True
        elif not may_update():
            raise AuditLogIsImmutable("audit entries are changed only by erasure")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if not may_delete():
            raise AuditLogIsImmutable("audit entries are deleted only by retention or offboarding")
        return super().delete(*args, **kwargs)


def account_of(user: object) -> User:
    """Return the signed-in account behind ``request.user`` (permissions guarantee one)."""
    if not isinstance(user, User):
        raise TypeError("this endpoint needs a signed-in account")
    return user


def manages_shop(user: object) -> bool:
    """Return whether ``request.user`` (an account, anonymous or None) manages the shop."""
    return isinstance(user, User) and user.manages_shop


def customer_scope(user: object) -> uuid.UUID | None:
    """Return whose rows the signed-in caller sees: None (everyone's) for staff, else its own id."""
    account = account_of(user)
    return None if account.manages_shop else account.pk


def account_contact(user_id: str) -> tuple[str, str] | None:
    """Return the e-mail and name of account ``user_id`` in the current tenant, or None once it
    is erased; raise if there is none."""
    email, name, erased_at = User.objects.values_list("email", "name", "erased_at").get(id=user_id)
    return None if erased_at is not None else (str(email), str(name))


def account_email(user_id: str) -> str:
    """Return the e-mail address of account ``user_id`` in the current tenant; raise if none."""
    return str(User.objects.values_list("email", flat=True).get(id=user_id))
