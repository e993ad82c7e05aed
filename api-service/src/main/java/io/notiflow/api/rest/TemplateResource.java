package io.notiflow.api.rest;

import io.notiflow.api.repository.Template;
import io.notiflow.api.service.FieldRules;
import io.notiflow.api.service.InvalidRequestException;
import io.notiflow.api.service.TemplateService;
import io.notiflow.api.service.TemplateValidator;
import io.notiflow.core.job.Channel;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;

@Path("/api/templates")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class TemplateResource {

    private final TemplateValidator validator;
    private final TemplateService service;

    public TemplateResource(TemplateValidator validator, TemplateService service) {
        this.validator = validator;
        this.service = service;
    }

    @POST
    @Operation(summary = "Save a template; saving an existing code, channel and locale adds its next version")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TemplateRequest.class)))
    @APIResponse(responseCode = "201", description = "Saved as a new version; Location names the template",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = TemplateView.class)))
    @APIResponse(responseCode = "409", description = "Another save of the same variant won the version number")
    public Response create(@Valid @NotNull(message = Problems.BODY_REQUIRED) TemplateRequest body) {
        Template saved = service.add(validator.row(body));
        return Response.created(UriBuilder.fromPath("/api/templates/{code}").build(saved.code))
                .entity(TemplateView.of(saved)).build();
    }

    @GET
    @Operation(summary = "The newest version of every template variant (code, channel, locale)")
    public List<TemplateView> list() {
        return service.latest().stream().map(TemplateView::of).toList();
    }

    @GET
    @Path("/{code}")
    @Operation(summary = "The newest version of each channel and locale variant of a template")
    public List<TemplateView> get(@PathParam("code") @Identifier String code) {
        List<Template> variants = service.latest(code);
        if (variants.isEmpty()) {
            throw new NotFoundException("no template " + code);
        }
        return variants.stream().map(TemplateView::of).toList();
    }

    @GET
    @Path("/{code}/versions")
    @Operation(summary = "Every version of a template, newest first per channel and locale")
    public List<TemplateView> versions(@PathParam("code") @Identifier String code) {
        List<Template> versions = service.versions(code);
        if (versions.isEmpty()) {
            throw new NotFoundException("no template " + code);
        }
        return versions.stream().map(TemplateView::of).toList();
    }

    @DELETE
    @Path("/{code}")
    @Operation(summary = "Delete a template (all versions), or only its ?channel= and/or ?locale= variants;"
            + " notifications already accepted keep their text")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@PathParam("code") @Identifier String code,
                           @QueryParam("channel") @ChannelName String channel,
                           @QueryParam("locale") @LanguageTag String locale) {
        if (service.delete(code, channel(channel), canonical(locale)) == 0) {
            throw new NotFoundException("no template " + code + " to delete");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/preview")
    @Operation(summary = "Render an unsaved template (the fields of POST /api/templates, code optional) with"
            + " variables, without saving it; a draft that would not save is a 400 naming the problem")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DraftPreviewRequest.class)))
    @APIResponse(responseCode = "200", description = "The rendered fields",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PreviewView.class)))
    @APIResponse(responseCode = "422", description = "A field renders beyond its limits")
    public PreviewView previewDraft(@Valid @NotNull(message = Problems.BODY_REQUIRED) DraftPreviewRequest body) {
        return PreviewView.of(service.render(validator.row(body.template()), body.variables(), ""));
    }

    @POST
    @Path("/{code}/preview")
    @Operation(summary = "Render a template with variables, as POST /api/notify would for that channel and locale")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = PreviewRequest.class)))
    @APIResponse(responseCode = "200", description = "The rendered fields",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = PreviewView.class)))
    @APIResponse(responseCode = "422", description = "A field renders beyond its limits")
    public PreviewView preview(@PathParam("code") @Identifier String code, @Valid PreviewRequest body) {
        // No body at all: the template's only channel, its default locale, no variables.
        PreviewRequest request = body == null ? new PreviewRequest(null, null, null) : body;
        String locale = canonical(request.locale());
        Channel channel = channel(request.channel());
        List<Template> variants = service.latest(code);
        if (variants.isEmpty()) {
            throw new NotFoundException("no template " + code);
        }
        if (channel == null) {
            List<Channel> channels = variants.stream().map(t -> t.channel).distinct().toList();
            if (channels.size() > 1) {
                throw InvalidRequestException.of("channel", "is required: template " + code + " has channels "
                        + channels.stream().map(Channel::key).toList());
            }
            channel = channels.get(0);
        }
        Channel chosen = channel;
        Template template = service.resolve(code, chosen, locale)
                .orElseThrow(() -> InvalidRequestException.of("channel", "template " + code
                        + " has no " + chosen.key() + " variant for " + (locale == null ? "no locale" : locale)
                        + " and no default one"));
        return PreviewView.of(service.render(template, request.variables(), ""));
    }

    /** A channel its {@link ChannelName} constraint let through; null when none is given. */
    private static Channel channel(String key) {
        return key == null ? null : Channel.fromKey(key).orElseThrow();
    }

    private static String canonical(String locale) {
        return locale == null ? null : FieldRules.canonicalLocale(locale);
    }
}
