"""Each school's wording: the kinds with their current version, editing with a live
preview (htmx posts the form to the preview partial as you type; without JavaScript
the Preview button shows it on the page) and the letter settings. MANAGE_CASES."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from letters import merge
from letters.forms import LetterSettingsForm, TemplateForm
from letters.kinds import SPECS, LetterKind
from letters.selectors import current_wording, letter_settings_for, template_versions
from letters.services import letter_settings_save, letter_template_save
from registers.models import School
from registers.permissions import Capability
from registers.views.access import school_view


@require_GET
@school_view(Capability.MANAGE_CASES)
def templates_list(request: HttpRequest, school: School) -> HttpResponse:
    rows = [
        (kind, label, current_wording(school=school, kind=kind))
        for kind, label in LetterKind.choices
    ]
    return render(request, "letters/templates.html", {"school": school, "rows": rows})


def _kind(kind: str) -> str:
    if kind not in SPECS:
        raise Http404("No such letter")
    return kind


def _preview(form: TemplateForm) -> dict[str, object]:
    """The wording filled with example values, or the reasons it cannot be."""
    if not form.is_valid():
        return {"preview_errors": [e for errors in form.errors.values() for e in errors]}
    values = dict(merge.EXAMPLE_VALUES)
    return {
        "preview_subject": merge.merge(form.cleaned_data["subject"], values),
        "preview_blocks": merge.blocks(merge.merge(form.cleaned_data["body"], values)),
    }


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def template_edit(request: HttpRequest, school: School, kind: str) -> HttpResponse:
    kind = _kind(kind)
    wording = current_wording(school=school, kind=kind)
    form = TemplateForm(
        request.POST or None, initial={"subject": wording.subject, "body": wording.body}
    )
    preview: dict[str, object] = {}
    if request.method == "POST":
        if "preview" in request.POST:
            preview = _preview(form)
        elif form.is_valid():
            try:
                row = letter_template_save(
                    school=school, kind=kind, user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(
                    request,
                    f"Saved as version {row.version}. New letters use it; letters already written keep theirs.",
                )
                return redirect(reverse("letters_templates", kwargs={"urn": school.urn}))
    context = {
        "school": school,
        "kind": kind,
        "label": LetterKind(kind).label,
        "wording": wording,
        "form": form,
        "fields": merge.MERGE_FIELDS,
        "needs": SPECS[kind].needs,
        "versions": template_versions(school=school, kind=kind)[:20],
        **preview,
    }
    bad = request.method == "POST" and ("preview" not in request.POST or not form.is_valid())
    return render(request, "letters/template_edit.html", context, status=400 if bad else 200)


@require_POST
@school_view(Capability.MANAGE_CASES)
def template_preview(request: HttpRequest, school: School, kind: str) -> HttpResponse:
    _kind(kind)
    return render(request, "letters/_template_preview.html", _preview(TemplateForm(request.POST)))


@require_http_methods(["GET", "POST"])
@school_view(Capability.MANAGE_CASES)
def settings_edit(request: HttpRequest, school: School) -> HttpResponse:
    form = LetterSettingsForm(request.POST or None, instance=letter_settings_for(school))
    if request.method == "POST" and form.is_valid():
        try:
            letter_settings_save(settings=form.save(commit=False))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Letter settings saved.")
            return redirect(reverse("letters_templates", kwargs={"urn": school.urn}))
    return render(
        request,
        "letters/settings.html",
        {"school": school, "form": form},
        status=400 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("letters/wording/", templates_list, name="letters_templates"),
    path("letters/wording/settings/", settings_edit, name="letters_settings"),
    path("letters/wording/<str:kind>/", template_edit, name="letters_template_edit"),
    path("letters/wording/<str:kind>/preview/", template_preview, name="letters_template_preview"),
]
