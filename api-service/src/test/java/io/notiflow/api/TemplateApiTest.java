package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.notiflow.api.ApiTestSupport.api;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class TemplateApiTest {

    static String code() {
        return "tpl-" + UUID.randomUUID();
    }

    static void saveTemplate(String json) {
        api().body(json).post("/api/templates").then().log().ifValidationFails().statusCode(201);
    }

    @Test
    void escapesHtmlOnlyInTheEmailHtmlPart() {
        String code = code();
        api().body("""
                        {"code":"%s","channel":"email","subject":"Hi {{name}}","body":"Hello {{name}}",
                         "html":"<p>Hello {{name}}</p>"}""".formatted(code))
                .post("/api/templates")
                .then().statusCode(201)
                .body("version", equalTo(1))
                .body("channel", equalTo("email"));

        api().body("""
                        {"variables":{"name":"Ada & <Bob>"}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(200)
                .body("subject", equalTo("Hi Ada & <Bob>"))
                .body("body", equalTo("Hello Ada & <Bob>"))
                .body("html", equalTo("<p>Hello Ada &amp; &lt;Bob&gt;</p>"))
                .body("version", equalTo(1));
    }

    @Test
    void smsPushAndInappArePlainText() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"Tom & Jerry's code: {{code}}"}""".formatted(code));
        saveTemplate("""
                {"code":"%s","channel":"push","title":"{{who}} <says>","body":"a & b","data":{"link":"app://{{who}}"}}"""
                .formatted(code));
        saveTemplate("""
                {"code":"%s","channel":"inapp","title":"For {{who}}","body":"\\"{{who}}\\" & co"}""".formatted(code));

        api().body("""
                        {"channel":"sms","variables":{"code":"<1&2>"}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(200).body("body", equalTo("Tom & Jerry's code: <1&2>"));
        api().body("""
                        {"channel":"push","variables":{"who":"A&B"}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(200)
                .body("title", equalTo("A&B <says>"))
                .body("body", equalTo("a & b"))
                .body("data.link", equalTo("app://A&B"));
        api().body("""
                        {"channel":"inapp","variables":{"who":"O'Neil"}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(200).body("body", equalTo("\"O'Neil\" & co"));
        // Several channels: the preview has to say which.
        api().body("""
                        {"variables":{"who":"x"}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(400).body("fields", hasKey("channel"));
    }

    @Test
    void aMissingVariableIsNamed() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Hi {{name}}","body":"Your order {{order.id}}{{#vip}} (VIP){{/vip}}"}"""
                .formatted(code));
        api().body("""
                        {"variables":{"order":{"id":7}}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(400)
                .body("fields", hasKey("variables.name"));
        // Sections may be left out: a missing section is simply not shown.
        api().body("""
                        {"variables":{"name":"Ada","order":{"id":7}}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(200).body("body", equalTo("Your order 7"));
    }

    @Test
    void fallsBackFromLocaleToLanguageToDefault() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"Hello {{name}}"}""".formatted(code));
        saveTemplate("""
                {"code":"%s","channel":"sms","locale":"pt","body":"Olá {{name}}"}""".formatted(code));
        saveTemplate("""
                {"code":"%s","channel":"sms","locale":"pt-BR","body":"Oi {{name}}"}""".formatted(code));

        preview(code, "pt-BR").body("body", equalTo("Oi Ada")).body("locale", equalTo("pt-BR"));
        preview(code, "pt_br").body("body", equalTo("Oi Ada"));
        preview(code, "pt-PT").body("body", equalTo("Olá Ada")).body("locale", equalTo("pt"));
        preview(code, "de").body("body", equalTo("Hello Ada"));
        api().body("""
                        {"variables":{"name":"Ada"}}""")
                .post("/api/templates/" + code + "/preview").then().statusCode(200).body("body", equalTo("Hello Ada"));
    }

    private static io.restassured.response.ValidatableResponse preview(String code, String locale) {
        return api().body("""
                        {"locale":"%s","variables":{"name":"Ada"}}""".formatted(locale))
                .post("/api/templates/" + code + "/preview").then().statusCode(200);
    }

    @Test
    void savingAgainAddsAVersionAndTheNewestIsUsed() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"v1 {{x}}"}""".formatted(code));
        api().body("""
                        {"code":"%s","channel":"sms","body":"v2 {{x}}"}""".formatted(code))
                .post("/api/templates").then().statusCode(201).body("version", equalTo(2));

        api().get("/api/templates/" + code).then().statusCode(200)
                .body("", hasSize(1)).body("[0].version", equalTo(2)).body("[0].body", equalTo("v2 {{x}}"));
        api().get("/api/templates/" + code + "/versions").then().statusCode(200)
                .body("version", contains(2, 1));
        api().get("/api/templates").then().statusCode(200);

        api().delete("/api/templates/" + code).then().statusCode(204);
        api().get("/api/templates/" + code).then().statusCode(404);
        api().delete("/api/templates/" + code).then().statusCode(404);
    }

    @Test
    void badTemplatesAreNamed() {
        api().body("""
                        {"code":"x","channel":"email","subject":"Hi","body":"{{> footer}}"}""")
                .post("/api/templates").then().statusCode(400)
                .body("fields.body", containsString("partial"));
        api().body("""
                        {"code":"x","channel":"sms","body":"{{#open}} never closed"}""")
                .post("/api/templates").then().statusCode(400).body("fields", hasKey("body"));
        api().body("""
                        {"code":"bad code!","channel":"fax","body":"b"}""")
                .post("/api/templates").then().statusCode(400)
                .body("fields", hasKey("code")).body("fields", hasKey("channel"));
        api().body("""
                        {"code":"x","channel":"sms","subject":"s","body":"b","html":"<p/>"}""")
                .post("/api/templates").then().statusCode(400)
                .body("fields", hasKey("subject")).body("fields", hasKey("html"));
        api().body("""
                        {"code":"x","channel":"email","body":"b"}""")
                .post("/api/templates").then().statusCode(400).body("fields", hasKey("subject"));
        api().body("""
                        {"variables":{}}""")
                .post("/api/templates/no-such-template/preview").then().statusCode(404);
    }

    @Test
    void previewsAnUnsavedDraftWithoutStoringIt() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Saved {{name}}","body":"Saved body {{name}}"}"""
                .formatted(code));

        api().body("""
                        {"code":"%s","channel":"email","subject":"Draft for {{name}}","body":"Hi {{name}}",
                         "html":"<p>Hi {{name}}</p>","variables":{"name":"Ada & <Bob>"}}""".formatted(code))
                .post("/api/templates/preview")
                .then().statusCode(200)
                .body("code", equalTo(code))
                .body("channel", equalTo("email"))
                .body("subject", equalTo("Draft for Ada & <Bob>"))
                .body("body", equalTo("Hi Ada & <Bob>"))
                .body("html", equalTo("<p>Hi Ada &amp; &lt;Bob&gt;</p>"))
                .body("$", not(hasKey("version")));
        // Nothing was saved: the template still has its one version, with the saved text.
        api().get("/api/templates/" + code + "/versions").then().statusCode(200)
                .body("", hasSize(1)).body("[0].subject", equalTo("Saved {{name}}"));

        // A new template may be previewed before it has a code.
        api().body("""
                        {"channel":"push","title":"{{who}} says","body":"hi","data":{"link":"app://{{who}}"},
                         "variables":{"who":"Tom & Jerry"}}""")
                .post("/api/templates/preview")
                .then().statusCode(200)
                .body("title", equalTo("Tom & Jerry says"))
                .body("data.link", equalTo("app://Tom & Jerry"))
                .body("$", not(hasKey("code")));
    }

    @Test
    void aBadDraftIsNamedAsOnSave() {
        api().body("""
                        {"channel":"email","subject":"Hi {{name}}","body":"Your order {{order}}",
                         "variables":{"name":"Ada"}}""")
                .post("/api/templates/preview").then().statusCode(400)
                .body("fields.'variables.order'", containsString("unsaved draft"));
        api().body("""
                        {"channel":"email","subject":"Hi","body":"{{> footer}}","variables":{}}""")
                .post("/api/templates/preview").then().statusCode(400)
                .body("fields.body", containsString("partial"));
        api().body("""
                        {"channel":"sms","body":"{{#open}} never closed","variables":{}}""")
                .post("/api/templates/preview").then().statusCode(400)
                .body("fields.body", containsString("not a valid template"));
        api().body("""
                        {"code":"bad code!","channel":"sms","body":"b","subject":"s"}""")
                .post("/api/templates/preview").then().statusCode(400)
                .body("fields", hasKey("code")).body("fields", hasKey("subject"));
        api().body("""
                        {"channel":"fax","body":"b"}""")
                .post("/api/templates/preview").then().statusCode(400).body("fields", hasKey("channel"));
        api().post("/api/templates/preview").then().statusCode(400).body("fields", hasKey("body"));
    }
}
