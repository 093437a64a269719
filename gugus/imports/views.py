"""Import pages: upload → column mapping → dry-run report → commit → result. Thin views over the actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gugus.core.errors import GugusError, NotFound
from gugus.core.views import attach_error, require
from gugus.imports import actions, selectors
from gugus.imports.forms import HeaderLineForm, MappingForm, UploadForm
from gugus.imports.models import ImportBatch, ImportFile

ISSUES_PER_PAGE = 100


def _batch_or_404(request, pk) -> ImportBatch:
    try:
        return selectors.get_batch(request.user, pk)
    except NotFound:
        raise Http404() from None


def import_list(request):
    require(request.user, selectors.IMPORT_CAPABILITY)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = actions.upload(actor=request.user, file_name=upload.name, content=upload.read())
        except GugusError as exc:
            attach_error(form, exc)
        else:
            return redirect("imports:import_mapping", pk=batch.pk)
    page = Paginator(selectors.batches_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "imports/import_list.html", {"form": form, "page": page})


def import_mapping(request, pk):
    require(request.user, selectors.IMPORT_CAPABILITY)
    batch = _batch_or_404(request, pk)
    header_form = HeaderLineForm(request.POST if "header_line" in request.POST else None,
                                 initial={"header_line": batch.header_line})
    if header_form.is_bound:
        if header_form.is_valid():
            try:
                actions.set_header_line(actor=request.user, batch=batch,
                                        header_line=header_form.cleaned_data["header_line"])
            except GugusError as exc:
                attach_error(header_form, exc)
            else:
                return redirect("imports:import_mapping", pk=batch.pk)
        form = MappingForm(headers=batch.headers, initial=batch.mapping)
    else:
        form = MappingForm(request.POST or None, headers=batch.headers, initial=batch.mapping)
    if form.is_bound and form.is_valid():
        try:
            actions.set_mapping(actor=request.user, batch=batch, columns=form.columns(),
                                save_as=form.cleaned_data["save_as"])
            actions.run(actor=request.user, batch=batch, dry_run=True)
        except GugusError as exc:
            attach_error(form, exc)
        else:
            return redirect("imports:import_detail", pk=batch.pk)
    try:
        sheet = actions.load_sheet(batch)
    except GugusError:
        sheet = None
    columns = [{"header": h, "samples": sheet.samples(h) if sheet else []} for h in batch.headers if h]
    return render(request, "imports/import_mapping.html", {"batch": batch, "form": form, "columns": columns,
                                                           "header_form": header_form})


def import_detail(request, pk):
    require(request.user, selectors.IMPORT_CAPABILITY)
    batch = _batch_or_404(request, pk)
    issues = Paginator(batch.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    has_file = ImportFile.objects.filter(batch=batch).exists()
    return render(request, "imports/import_detail.html", {"batch": batch, "issues": issues, "has_file": has_file})


@require_POST
def import_commit(request, pk):
    require(request.user, selectors.IMPORT_CAPABILITY)
    batch = _batch_or_404(request, pk)
    try:
        batch = actions.run(actor=request.user, batch=batch, dry_run=False)
    except GugusError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(landed)d rows imported, %(failed)d with errors, %(skipped)d already imported.")
                         % {k: batch.counts.get(k, 0) for k in ("landed", "failed", "skipped")})
    return redirect("imports:import_detail", pk=batch.pk)


def import_bad_rows(request, pk):
    """The failed rows with an "error" column, as CSV or XLSX (the format of the upload by default)."""
    require(request.user, selectors.IMPORT_CAPABILITY)
    batch = _batch_or_404(request, pk)
    if not batch.failed_lines or not ImportFile.objects.filter(batch=batch).exists():
        raise Http404()
    file_format = request.GET.get("format") or batch.file_format
    if file_format not in ("csv", "xlsx"):
        raise Http404()
    body, content_type = actions.export_bad_rows(actor=request.user, batch=batch, file_format=file_format)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="impor-{batch.pk}-baris-gagal.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def import_discard_file(request, pk):
    require(request.user, selectors.IMPORT_CAPABILITY)
    batch = _batch_or_404(request, pk)
    actions.discard_file(actor=request.user, batch=batch)
    messages.success(request, _("The uploaded file was deleted."))
    return redirect("imports:import_detail", pk=batch.pk)
