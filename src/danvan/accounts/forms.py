"""Forms check shape and format; rules that depend on other rows live in accounts.services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from danvan.accounts.models import User
from danvan.accounts.services import UserData
from danvan.core import scope
from danvan.core.errors import DomainError
from danvan.core.roles import Domain, Role
from danvan.organisations.models import Organisation
from danvan.territories.models import Era, Territory


def add_domain_error(
    form: forms.Form, exc: DomainError, field_map: dict[str, str] | None = None
) -> None:
    """Show a service's refusal next to the field it is about, or above the form."""
    field = (field_map or {}).get(exc.field or "", exc.field)
    form.add_error(field if field in form.fields else None, exc.message)


class SignInForm(AuthenticationForm):
    """Django's sign-in form: one message for an unknown user and a wrong password alike."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is not correct."),
        # Inactive accounts never authenticate with our backends; keep the same wording anyway.
        "inactive": _("The username or password is not correct."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_(
            "At least 10 characters; not only digits, not a common password, not like your name."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # Where a service error about "password" belongs on this form.
    field_map = {"password": "new_password1"}

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new passwords do not match."))
        if first and first == cleaned.get("old_password"):
            self.add_error("new_password1", _("Choose a password different from the current one."))
        return cleaned


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=80,
        help_text=_("What the token is for, e.g. “monthly report script”."),
    )


def organisation_choices_for(actor, territory=None, keep: Organisation | None = None):
    """Organisations where `actor` may manage users, optionally narrowed to a subtree."""
    qs = scope.filter(actor, "accounts.user.manage", Organisation.objects.filter(is_active=True))
    if territory is not None:
        qs = qs.filter(territory__scope_path__under=territory.path)
    if keep is not None:
        qs = qs | Organisation.objects.filter(pk=keep.pk)
    return qs.select_related("territory").order_by("territory__path", "search_name")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name} — {obj.territory.name}"


class UserForm(forms.Form):
    """Create or edit an account; `version` carries the optimistic lock through the round trip."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and . @ + - _ only; used to sign in."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ in the username.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.RegexField(
        label=_("Phone"),
        max_length=20,
        required=False,
        regex=r"^[0-9 +().-]*$",
        error_messages={"invalid": _("Enter a phone number using digits only.")},
    )
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, actor, territory=None, instance: User | None = None, **kwargs
    ) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "username": instance.username,
                "full_name": instance.full_name,
                "email": instance.email,
                "phone": instance.phone,
                "position": instance.position,
                "organisation": instance.organisation_id,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        keep = instance.organisation if instance is not None and instance.organisation_id else None
        self.fields["organisation"].queryset = organisation_choices_for(actor, territory, keep)

    def to_data(self) -> UserData:
        cleaned = self.cleaned_data
        return UserData(
            username=cleaned["username"],
            full_name=cleaned["full_name"],
            organisation=cleaned["organisation"],
            email=cleaned.get("email") or "",
            phone=cleaned.get("phone") or "",
            position=cleaned.get("position") or "",
            is_active=self.instance.is_active if self.instance is not None else True,
        )


def user_data_from(user: User, **overrides) -> UserData:
    values = {
        "username": user.username,
        "full_name": user.full_name,
        "organisation": user.organisation,
        "email": user.email,
        "phone": user.phone,
        "position": user.position,
        "is_active": user.is_active,
    }
    values.update(overrides)
    return UserData(**values)


def territories_for_grants(actor):
    """Current units where `actor` may grant roles."""
    units = Territory.objects.filter(era=Era.CURRENT)
    return scope.filter(actor, "accounts.user.manage", units, via=None)


WHOLE_COUNTRY = "country"


class GrantForm(forms.Form):
    """The unit is picked from a search list (htmx); `WHOLE_COUNTRY` is offered to system
    administrators only, and must be chosen explicitly rather than by leaving the unit empty."""

    role = forms.ChoiceField(label=_("Role"))
    territory = forms.CharField(
        label=_("Territory"),
        help_text=_("The role covers this unit and every unit below it."),
        error_messages={"required": _("Choose the unit the role applies to.")},
    )
    domain = forms.ChoiceField(
        label=_("Domain"),
        choices=Domain.choices,
        required=False,
        help_text=_("Leave “All domains” unless the role should only cover one area of work."),
    )

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.is_system_admin = scope.is_system_admin(actor)
        grantable = scope.grantable_roles(actor)
        # No preselected role: granting one, above all an administrator role, is a deliberate choice.
        self.fields["role"].choices = [
            ("", _("Choose a role")),
            *((r.value, r.label) for r in Role if r.value in grantable),
        ]

    def clean_territory(self):
        value = self.cleaned_data["territory"].strip()
        if value == WHOLE_COUNTRY:
            if not self.is_system_admin:
                raise forms.ValidationError(
                    _("Only a system administrator can grant nationwide roles.")
                )
            return None
        territory = (
            territories_for_grants(self.actor).filter(pk=value).first() if value.isdigit() else None
        )
        if territory is None:
            # Same answer for a unit that does not exist and one outside the actor's scope.
            raise forms.ValidationError(_("Choose a unit from the list."))
        return territory

    @property
    def chosen_territory(self) -> Territory | None:
        """The unit to show as selected when the form is shown again."""
        if not self.is_bound:
            return None
        value = (self.data.get("territory") or "").strip()
        if not value.isdigit():
            return None
        return territories_for_grants(self.actor).select_related("parent").filter(pk=value).first()


USER_SORTS = {
    "username": "username",
    "-username": "-username",
    "name": "search_name",
    "-name": "-search_name",
    "organisation": "organisation__search_name",
    "-organisation": "-organisation__search_name",
    "last_login": "last_login",
    "-last_login": "-last_login",
}
ACTIVE_CHOICES = [("", _("Active and inactive")), ("1", _("Active")), ("0", _("Inactive"))]
# A select with more organisations than this is useless; narrow by territory instead.
MAX_ORGANISATION_CHOICES = 300


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    active = forms.ChoiceField(label=_("Status"), required=False, choices=ACTIVE_CHOICES)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in USER_SORTS])

    def __init__(self, *args, actor, territory=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Any role")), *Role.choices]
        organisations = scope.filter(actor, "accounts.user.view", Organisation.objects.all())
        if territory is not None:
            organisations = organisations.filter(territory__scope_path__under=territory.path)
        rows = list(
            organisations.order_by("search_name").values_list("pk", "name")[
                : MAX_ORGANISATION_CHOICES + 1
            ]
        )
        self.has_organisation_filter = len(rows) <= MAX_ORGANISATION_CHOICES
        if self.has_organisation_filter:
            self.fields["organisation"].choices = [("", _("Any organisation")), *rows]
        else:
            del self.fields["organisation"]

    def filters(self) -> dict:
        """Selector arguments; invalid values are dropped rather than reported."""
        self.is_valid()  # keeps the valid fields in cleaned_data even when another one is bad
        cleaned = self.cleaned_data
        active = cleaned.get("active", "")
        return {
            "query": cleaned.get("q", ""),
            "role": cleaned.get("role", ""),
            "is_active": None if active == "" else active == "1",
            "organisation_id": cleaned.get("organisation"),
        }

    @property
    def chosen_sort(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("sort") or "username"
