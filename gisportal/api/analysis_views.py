"""/api/analyses/ (the list) and /api/analyses/{name}/ (one analysis, as JSON, CSV or GeoJSON)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gisportal.api import analyses, exports
from gisportal.api.rest import DocumentedErrors, IsStaff, LayerViewSet


class IndexSchema(DocumentedErrors):
    codes = ("401", "403", "406")


class RunSchema(DocumentedErrors):
    codes = ("400", "401", "403", "404", "406")


ANALYSES = inline_serializer(
    "Analysis",
    {
        "name": serializers.CharField(),
        "title": serializers.CharField(),
        "url": serializers.URLField(),
        "parameters": serializers.DictField(child=serializers.CharField(), help_text="Each parameter's description"),
    },
    many=True,
)


class AnalysisIndex(APIView):
    authentication_classes = LayerViewSet.authentication_classes
    permission_classes = (IsStaff,)
    schema = IndexSchema()

    @extend_schema(
        summary="The analyses, their parameters and their links",
        operation_id="analyses_list",
        responses={200: ANALYSES},  # a list, as it answers
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "name": a.name,
                    "title": a.title,
                    "url": request.build_absolute_uri(f"/api/analyses/{a.name}/"),
                    "parameters": {p.name: p.description for p in a.parameters},
                }
                for a in analyses.ANALYSES.values()
            ]
        )


class AnalysisRun(APIView):
    authentication_classes = LayerViewSet.authentication_classes
    permission_classes = (IsStaff,)
    schema = RunSchema()

    @extend_schema(
        summary="Run one analysis (scoped to your municipalities); parameters are listed at /api/analyses/",
        parameters=[OpenApiParameter("output", str, enum=list(exports.FORMATS), description="json, csv or geojson")],
        operation_id="analyses_run",
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request, name: str) -> HttpResponse:
        raw = {k: v for k, v in request.query_params.items() if k != "output"}
        output = request.query_params.get("output", "json")
        if output not in exports.FORMATS:
            raise exceptions.ValidationError({"output": f"output must be one of: {', '.join(exports.FORMATS)}."})
        if name not in analyses.ANALYSES:
            raise exceptions.NotFound(f"No analysis {name!r}.")
        try:
            result = analyses.run(name, raw, user=request.user)
            body = exports.render(result, output)
        except (analyses.BadAnalysisParameter, ValueError) as bad:
            raise exceptions.ValidationError({"detail": str(bad)}) from None
        response = HttpResponse(body, content_type=exports.CONTENT_TYPES[output])
        if output != "json":
            response["Content-Disposition"] = f'attachment; filename="{name}.{output}"'
        return response
