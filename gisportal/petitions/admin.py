"""The administrator sets each territory's petition threshold; staff read petitions and their history, scoped
like the layers. Signatures have no admin page: nobody reads who signed."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from gisportal.accounts import roles
from gisportal.accounts.models import Role
from gisportal.petitions.models import Petition, Threshold
from layers.admin import LayerAdmin


@admin.register(Threshold)
class ThresholdAdmin(LayerAdmin):
    list_display = ("municipality", "district", "kind", "share_percent", "fixed_count", "needed")
    list_filter = ("kind",)
    list_select_related = ("municipality", "district")
    search_fields = ("municipality__name_fr", "municipality__code", "district__name")

    @admin.display(description=_("signatures needed"))
    def needed(self, obj: Threshold) -> int | None:
        return obj.signatures_needed()

    def _is_administrator(self, request: HttpRequest) -> bool:
        return roles.role_of(request.user) == Role.ADMINISTRATOR

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._is_administrator(request)


@admin.register(Petition)
class PetitionAdmin(LayerAdmin):
    """Read-only here: a petition changes state through its staff page, which keeps the public history."""

    list_display = ("title", "municipality", "district", "state", "closes_on", "answer_due_on", "staff_page")
    list_filter = ("state",)
    list_select_related = ("municipality", "district")
    search_fields = ("title", "municipality__name_fr", "municipality__code")
    exclude = ("author",)

    @admin.display(description=_("staff page"))
    def staff_page(self, obj: Petition) -> str:
        url = reverse("petitions:manage", kwargs={"code": obj.municipality.code, "pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, _("review, signatures, answer"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
