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
    public static final String NOT_AN_IDENTIFIER = "must be 1-128 characters of letters, digits and . _ : @ -";
    public static final String NOT_A_DEVICE_TOKEN = "is not a device token (20-" + MAX_DEVICE_TOKEN
            + " characters of letters, digits and _ : . -)";

    private FieldRules() {
    }

    /** Why {@code value} is no e-mail address, or null when it is one. */
    public static String emailProblem(String value) {
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            return "'" + printable(value) + "' is not a valid e-mail address";
        }
        return null;
    }

    public static String email(String field, String value, Map<String, String> errors) {
        return checked(field, value, emailProblem(value), errors);
    }

    /** Why {@code value} is no phone number by {@link #phone}'s rule, or null when it is one. */
    public static String phoneProblem(String value) {
        return readPhone(value).problem();
    }

    /**
     * An international number (leading +, spaces, dots, dashes and brackets allowed) that libphonenumber knows as
     * a valid number of its country, returned in E.164 form: "+1 (415) 555-0100" becomes "+14155550100".
     */
    public static String phone(String field, String value, Map<String, String> errors) {
        Phone phone = readPhone(value);
        if (phone.problem() != null) {
            errors.put(field, phone.problem());
        }
        return phone.e164();
    }

    /** The E.164 form of a valid phone number. */
    public static String e164(String value) {
        return readPhone(value).e164();
    }

    /** A phone number read: its E.164 form, or the problem with it. */
    private record Phone(String e164, String problem) {
    }

    private static Phone readPhone(String value) {
        String input = value.strip();
        if (!PHONE_INPUT.matcher(input).matches()) {
            return new Phone(null, "'" + printable(value) + "' is not an international phone number: it must start"
                    + " with + and the country code, then only digits (e.g. +14155550100)");
        }
        try {
            Phonenumber.PhoneNumber number = PHONE_NUMBERS.parse(input, UNKNOWN_REGION);
            if (PHONE_NUMBERS.isValidNumber(number)) {
                return new Phone(PHONE_NUMBERS.format(number, PhoneNumberUtil.PhoneNumberFormat.E164), null);
            }
        } catch (NumberParseException e) {
            // reported below, like any other number that is not valid
        }
        return new Phone(null, "'" + printable(value) + "' is not a valid phone number for its country code"
                + " (E.164, e.g. +14155550100)");
    }

    /** Whether {@code value} is a device token by {@link #deviceToken}'s rule. */
    public static boolean isDeviceToken(String value) {
        return DEVICE_TOKEN.matcher(value).matches();
    }

    public static String deviceToken(String field, String value, Map<String, String> errors) {
        return checked(field, value, isDeviceToken(value) ? null : NOT_A_DEVICE_TOKEN, errors);
    }

    /** Whether {@code value} is a user id, room, template code or category. */
    public static boolean isIdentifier(String value) {
        return IDENTIFIER.matcher(value).matches();
    }

    /** A user id, room, template code or category. */
    public static String identifier(String field, String value, Map<String, String> errors) {
        return checked(field, value, isIdentifier(value) ? null : NOT_AN_IDENTIFIER, errors);
    }

    /** Why {@code value} is no language tag, or null when it is one. */
    public static String localeProblem(String value) {
        return LOCALE.matcher(value).matches() ? null
                : "'" + printable(value) + "' is not a language tag (e.g. en, pt-BR)";
    }

    /** A valid language tag in its canonical case: "pt_br" becomes "pt-BR". */
    public static String canonicalLocale(String value) {
        return Locale.forLanguageTag(value.replace('_', '-')).toLanguageTag();
    }

    private static String checked(String field, String value, String problem, Map<String, String> errors) {
        if (problem != null) {
            errors.put(field, problem);
            return null;
        }
        return value;
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
