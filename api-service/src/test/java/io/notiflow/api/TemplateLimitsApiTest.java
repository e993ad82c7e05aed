package io.notiflow.api;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.notiflow.api.ApiTestSupport.api;
import static io.notiflow.api.ApiTestSupport.rowCount;
import static io.notiflow.api.TemplateApiTest.code;
import static io.notiflow.api.TemplateApiTest.saveTemplate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Rendering is bounded (256 KiB per part, 500 ms per template by default), and preview and notify judge a rendered
 * template by the same rules, line breaks in a subject or title included.
 */
@QuarkusTest
class TemplateLimitsApiTest {

    /** Five nested sections over a ten-item list: 10^5 copies of {{x}}. */
    private static final String EXPLODING = "{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{x}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}";
    private static final String TEN = "\"a\":[1,2,3,4,5,6,7,8,9,10]";

    @Test
    void aTemplateRenderingPastTheSizeCapIs422NamingThePartInPreviewAndNotify() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Report","body":"%s"}""".formatted(code, EXPLODING));
        String variables = "{" + TEN + ",\"x\":\"" + "y".repeat(40) + "\"}";
        long rows = rowCount();

        api().body("{\"variables\":" + variables + "}").post("/api/templates/" + code + "/preview")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("status", equalTo(422))
                .body("fields.body", containsString("262144 bytes"));
        api().body("""
                        {"channel":"email","subject":"Report","body":"%s","variables":%s}"""
                        .formatted(EXPLODING, variables))
                .post("/api/templates/preview")
                .then().statusCode(422).body("fields", hasKey("body"));
        api().body("""
                        {"type":"email","to":"report@example.com","template_code":"%s","variables":%s}"""
                        .formatted(code, variables))
                .post("/api/notify")
                .then().statusCode(422).contentType("application/problem+json")
                .body("fields", hasKey("template.body"));
        assertThat(rowCount()).isEqualTo(rows);
    }

    @Test
    void aTemplateThatLoopsWithoutWritingIsStoppedByTheTimeCap() {
        // 40^8 turns of empty loops: no output to cap, only time.
        String loops = "x" + "{{#a}}".repeat(8) + "{{/a}}".repeat(8);
        String list = IntStream.rangeClosed(1, 40).mapToObj(Integer::toString).collect(Collectors.joining(","));
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"%s"}""".formatted(code, loops));

        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            api().body("{\"variables\":{\"a\":[" + list + "]}}").post("/api/templates/" + code + "/preview")
                    .then().statusCode(422).body("fields.body", containsString("ms to render"));
            api().body("""
                            {"type":"sms","to":"+14155550120","template_code":"%s","variables":{"a":[%s]}}"""
                            .formatted(code, list))
                    .post("/api/notify")
                    .then().statusCode(422).body("fields", hasKey("template.body"));
        });
    }

    @Test
    void previewRefusesWhatNotifyRefuses() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"sms","body":"{{text}}"}""".formatted(code));
        String tooLong = "t".repeat(1_601);

        api().body("{\"variables\":{\"text\":\"" + tooLong + "\"}}").post("/api/templates/" + code + "/preview")
                .then().statusCode(400).body("fields.body", containsString("1600"));
        api().body("""
                        {"type":"sms","to":"+14155550121","template_code":"%s","variables":{"text":"%s"}}"""
                        .formatted(code, tooLong))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("template.body"));

        String email = code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"{{s}}","body":"B"}""".formatted(email));
        api().body("{\"variables\":{\"s\":\" \"}}").post("/api/templates/" + email + "/preview")
                .then().statusCode(400).body("fields", hasKey("subject"));
        api().body("""
                        {"type":"email","to":"s@example.com","template_code":"%s","variables":{"s":" "}}"""
                        .formatted(email))
                .post("/api/notify").then().statusCode(400).body("fields", hasKey("template.subject"));

        // And what preview accepts, notify accepts.
        api().body("{\"variables\":{\"text\":\"fine\"}}").post("/api/templates/" + code + "/preview")
                .then().statusCode(200).body("body", equalTo("fine"));
        api().body("""
                        {"type":"sms","to":"+14155550121","template_code":"%s","variables":{"text":"fine"}}"""
                        .formatted(code))
                .post("/api/notify").then().statusCode(202);
    }

    @Test
    void aSubjectOrTitleWithALineBreakInTheTemplateIsRefusedWhenSaved() {
        api().body("""
                        {"code":"%s","channel":"email","subject":"Hi\\n{{name}}","body":"B"}""".formatted(code()))
                .post("/api/templates").then().statusCode(400).body("fields.subject", containsString("CR or LF"));
        api().body("""
                        {"code":"%s","channel":"push","title":"{{#a}}\\r\\n{{/a}}","body":"B"}""".formatted(code()))
                .post("/api/templates").then().statusCode(400).body("fields", hasKey("title"));
        api().body("""
                        {"code":"%s","channel":"inapp","title":"One\\rTwo","body":"B"}""".formatted(code()))
                .post("/api/templates").then().statusCode(400).body("fields", hasKey("title"));
        api().body("""
                        {"channel":"email","subject":"Hi\\n","body":"B","variables":{}}""")
                .post("/api/templates/preview").then().statusCode(400).body("fields", hasKey("subject"));
        // A body is many lines.
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Hi","body":"Line one\\nLine two"}""".formatted(code()));
    }

    @Test
    void aVariableThatPutsALineBreakIntoASubjectOrTitleIsNamedAtPreviewAndNotify() {
        String code = code();
        saveTemplate("""
                {"code":"%s","channel":"email","subject":"Hi {{name}}","body":"Hello {{name}}"}""".formatted(code));
        long rows = rowCount();

        api().body("""
                        {"variables":{"name":"Ada\\r\\nBcc: everyone@example.com"}}""")
                .post("/api/templates/" + code + "/preview")
                .then().statusCode(400).body("fields", hasKey("variables.name"));
        api().body("""
                        {"type":"email","to":"ada@example.com","template_code":"%s",
                         "variables":{"name":"Ada\\nBcc: everyone@example.com"}}""".formatted(code))
                .post("/api/notify")
                .then().statusCode(400).body("fields.'variables.name'", containsString("CR or LF"))
                .body("fields", hasKey("template.subject"));
        assertThat(rowCount()).isEqualTo(rows);

        String inapp = code();
        saveTemplate("""
                {"code":"%s","channel":"inapp","title":"For {{who}}","body":"{{who}}"}""".formatted(inapp));
        api().body("""
                        {"variables":{"who":"a\\nb"}}""")
                .post("/api/templates/" + inapp + "/preview")
                .then().statusCode(400).body("fields", hasKey("variables.who"));
        // The same value in a body is fine.
        String body = code();
        saveTemplate("""
                {"code":"%s","channel":"inapp","title":"For you","body":"{{who}}"}""".formatted(body));
        api().body("""
                        {"variables":{"who":"a\\nb"}}""")
                .post("/api/templates/" + body + "/preview")
                .then().statusCode(200).body("body", equalTo("a\nb"));
    }
}
