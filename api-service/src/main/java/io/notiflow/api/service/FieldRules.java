package io.notiflow.api.service;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The field rules that several requests share (a notification's recipient, a user's addresses, a template's
 * code and locale), so an address valid in one place is valid in all. Each check takes the field's name, the
 * value and the error map; it returns the normalised value, or null after naming the problem.
 */
public final class FieldRules {

    private static final Pattern EMAIL = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                    + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
    /** What a phone number may look like before libphonenumber judges it: + first, no letters, no extension. */
    private static final Pattern PHONE_INPUT = Pattern.compile("^\\+[0-9 ().\\-]{7,30}$");
    private static final PhoneNumberUtil PHONE_NUMBERS = PhoneNumberUtil.getInstance();
    /** With no default region, only numbers with a leading + and country code parse. */
    private static final String UNKNOWN_REGION = "ZZ";
    /** A device token is a push notification's receiver ({@code notifications.receiver varchar(512)}). */
    public static final int MAX_DEVICE_TOKEN = 512;
    /** FCM registration tokens: URL-safe base64 plus ':' separators. */
    private static final Pattern DEVICE_TOKEN = Pattern.compile("^[A-Za-z0-9_:.\\-]{20," + MAX_DEVICE_TOKEN + "}$");
    /** {@code notifications.receiver}, what GET /api/notifications?receiver= compares with. */
    public static final int MAX_RECEIVER = 512;
    private static final Pattern IDENTIFIER = Pattern.compile("^[A-Za-z0-9._:@\\-]{1,128}$");
    /** A BCP 47 language tag as products use them: language, then optional script/region parts. */
    private static final Pattern LOCALE = Pattern.compile("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8}){0,3}$");

    private FieldRules() {
    }

    public static String email(String field, String value, Map<String, String> errors) {
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            errors.put(field, "'" + printable(value) + "' is not a valid e-mail address");
            return null;
        }
        return value;
    }

    /**
     * An international number (leading +, spaces, dots, dashes and brackets allowed) that libphonenumber knows as
     * a valid number of its country, returned in E.164 form: "+1 (415) 555-0100" becomes "+14155550100".
     */
    public static String phone(String field, String value, Map<String, String> errors) {
        String input = value.strip();
        if (!PHONE_INPUT.matcher(input).matches()) {
            errors.put(field, "'" + printable(value) + "' is not an international phone number: it must start"
                    + " with + and the country code, then only digits (e.g. +14155550100)");
            return null;
        }
        try {
            Phonenumber.PhoneNumber number = PHONE_NUMBERS.parse(input, UNKNOWN_REGION);
            if (PHONE_NUMBERS.isValidNumber(number)) {
                return PHONE_NUMBERS.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            }
        } catch (NumberParseException e) {
            // reported below, like any other number that is not valid
        }
        errors.put(field, "'" + printable(value) + "' is not a valid phone number for its country code"
                + " (E.164, e.g. +14155550100)");
        return null;
    }

    /** Whether {@code value} is a device token by {@link #deviceToken}'s rule. */
    public static boolean isDeviceToken(String value) {
        return DEVICE_TOKEN.matcher(value).matches();
    }

    public static String deviceToken(String field, String value, Map<String, String> errors) {
        if (!DEVICE_TOKEN.matcher(value).matches()) {
            errors.put(field, "is not a device token (20-" + MAX_DEVICE_TOKEN
                    + " characters of letters, digits and _ : . -)");
            return null;
        }
        return value;
    }

    /** A user id, room, template code or category. */
    public static String identifier(String field, String value, Map<String, String> errors) {
        if (!IDENTIFIER.matcher(value).matches()) {
            errors.put(field, "must be 1-128 characters of letters, digits and . _ : @ -");
            return null;
        }
        return value;
    }

    /** A language tag in its canonical case: "pt_br" becomes "pt-BR". */
    public static String locale(String field, String value, Map<String, String> errors) {
        if (!LOCALE.matcher(value).matches()) {
            errors.put(field, "'" + printable(value) + "' is not a language tag (e.g. en, pt-BR)");
            return null;
        }
        return Locale.forLanguageTag(value.replace('_', '-')).toLanguageTag();
    }

    public static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    public static boolean hasLineBreak(String value) {
        return value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0;
    }

    /** Echoes a bad value back without its control characters, and never more than 80 of them. */
    public static String printable(String value) {
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
