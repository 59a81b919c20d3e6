package io.ringclip.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's text normalisation and pre-tokenisation ({@code simple_tokenizer.py}): HTML entities
 * unescaped twice, whitespace runs collapsed to one space, trimmed, lower-cased; then split by
 * CLIP's regex into contractions, letter runs, single digits and runs of other symbols.
 * Not done: ftfy's mojibake repair (no JDK equivalent; it only changes already-broken text), and
 * the literal {@code <|startoftext|>}/{@code <|endoftext|>} alternatives: caption text is never
 * turned into special tokens here, so a caption cannot end itself early.
 */
final class ClipText {

    /** CLIP's pattern minus the two special-token alternatives; {@code \s} is Unicode whitespace as in Python. */
    private static final Pattern PRE_TOKEN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,6});");

    private ClipText() {}

    /** {@code whitespace_clean(basic_clean(text)).lower()} as CLIP does, without ftfy. */
    static String clean(String text) {
        String s = unescapeHtml(unescapeHtml(text));
        s = WHITESPACE.matcher(s).replaceAll(" ").strip();
        return s.toLowerCase(Locale.ROOT);
    }

    /** The pre-tokens of already {@link #clean cleaned} text. */
    static List<String> preTokens(String cleaned) {
        List<String> out = new ArrayList<>();
        Matcher m = PRE_TOKEN.matcher(cleaned);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Numeric entities and the named ones captions actually contain; unknown names stay as written. */
    static String unescapeHtml(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String body = m.group(1);
            String replacement;
            if (body.startsWith("#")) {
                int cp = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X')
                        ? Integer.parseInt(body.substring(2), 16) : Integer.parseInt(body.substring(1));
                replacement = Character.isValidCodePoint(cp) && cp != 0 ? Character.toString(cp) : "\uFFFD";
            } else {
                replacement = switch (body) {
                    case "amp" -> "&";
                    case "lt" -> "<";
                    case "gt" -> ">";
                    case "quot" -> "\"";
                    case "apos" -> "'";
                    case "nbsp" -> "\u00A0";
                    case "ndash" -> "\u2013";
                    case "mdash" -> "\u2014";
                    case "hellip" -> "\u2026";
                    case "rsquo" -> "\u2019";
                    case "lsquo" -> "\u2018";
                    case "rdquo" -> "\u201D";
                    case "ldquo" -> "\u201C";
                    default -> m.group();
                };
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
