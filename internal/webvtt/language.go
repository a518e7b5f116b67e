package webvtt

import (
	"fmt"
	"strings"

	"github.com/mcp-media/mcp-media/internal/argerr"
)

const langExamples = "give a BCP 47 tag such as en, vi, en-US, fr-CA or zh-Hans-CN"

// irregular are RFC 5646's irregular grandfathered tags, well-formed although
// they do not fit the langtag grammar. (The regular grandfathered tags, such
// as zh-min-nan, fit it and need no list.)
var irregular = map[string]bool{
	"en-gb-oed": true, "i-ami": true, "i-bnn": true, "i-default": true, "i-enochian": true,
	"i-hak": true, "i-klingon": true, "i-lux": true, "i-mingo": true, "i-navajo": true,
	"i-pwn": true, "i-tao": true, "i-tay": true, "i-tsu": true, "sgn-be-fr": true,
	"sgn-be-nl": true, "sgn-ch-de": true,
}

// languageNames maps common English names of languages, which people put
// where a tag belongs, to their codes for the error message.
var languageNames = map[string]string{
	"english": "en", "vietnamese": "vi", "french": "fr", "spanish": "es", "german": "de",
	"chinese": "zh", "mandarin": "zh", "cantonese": "yue", "japanese": "ja", "korean": "ko",
	"portuguese": "pt", "italian": "it", "russian": "ru", "arabic": "ar", "hindi": "hi",
	"thai": "th", "indonesian": "id", "dutch": "nl", "polish": "pl", "turkish": "tr",
	"swedish": "sv", "ukrainian": "uk", "greek": "el", "hebrew": "he", "malay": "ms",
	"bengali": "bn", "tagalog": "tl", "filipino": "fil", "persian": "fa", "czech": "cs",
	"romanian": "ro", "hungarian": "hu", "danish": "da", "finnish": "fi", "norwegian": "no",
}

// ValidLanguage reports whether tag is a well-formed BCP 47 language tag per
// the RFC 5646 syntax: a 2–3 letter language with up to three 3-letter
// extlangs, then optionally a 4-letter script, a region (2 letters or 3
// digits), variants (5–8 letters or digits, or a digit and 3 more), extensions
// (a singleton and subtags of 2–8) and private use ("x-" and subtags of 1–8);
// a tag may also be private use alone ("x-whatever") or an irregular
// grandfathered tag ("i-klingon"). Case is not significant.
//
// One deliberate restriction: RFC 5646 reserves 4-letter and allows 5–8
// letter primary language subtags, but none is registered, and in practice
// such input is a language name ("english"), so it is rejected with the code
// to use instead.
//
// The check is syntax only: it does not consult the IANA registry, so "qq-ZZ"
// passes. The error is an *argerr.Error that quotes the tag and gives
// examples; it names no argument (see argerr.Named).
func ValidLanguage(tag string) error {
	fail := func(why string) error {
		return argerr.New("", fmt.Sprintf("%q is not a valid language tag: %s", tag, why), langExamples)
	}
	if tag == "" {
		return argerr.New("", "the language tag is empty", langExamples)
	}
	if strings.TrimSpace(tag) != tag || strings.ContainsAny(tag, " \t\r\n") {
		return fail("it contains spaces")
	}
	if strings.Contains(tag, "_") {
		return fail(fmt.Sprintf("use hyphens, not underscores (%s)", strings.ReplaceAll(tag, "_", "-")))
	}
	lower := strings.ToLower(tag)
	if irregular[lower] {
		return nil
	}
	subs := strings.Split(lower, "-")
	for _, s := range subs {
		switch {
		case s == "":
			return fail("it has an empty subtag (a leading, trailing or doubled hyphen)")
		case !isAlnum(s):
			return fail(fmt.Sprintf("subtag %q may contain only letters A–Z and digits", s))
		case len(s) > 8:
			if code, ok := languageNames[s]; ok && len(subs) == 1 {
				return fail(fmt.Sprintf("that is a language name; use its code %q", code))
			}
			return fail(fmt.Sprintf("subtag %q is longer than 8 characters", s))
		}
	}

	i := 0
	lang := subs[0]
	switch {
	case lang == "x":
		return checkPrivateUse(subs, fail)
	case !isAlpha(lang):
		return fail(fmt.Sprintf("the language subtag %q must be letters (an ISO 639 code such as en or vi)", lang))
	case len(lang) == 1:
		return fail(fmt.Sprintf("the language subtag %q is too short: it needs 2 or 3 letters", lang))
	case len(lang) > 3:
		if code, ok := languageNames[lang]; ok {
			return fail(fmt.Sprintf("%q is a language name; use its code %q", lang, code))
		}
		return fail(fmt.Sprintf("the language subtag %q has %d letters; use a 2- or 3-letter ISO 639 code", lang, len(lang)))
	}
	i++
	for n := 0; n < 3 && i < len(subs) && len(subs[i]) == 3 && isAlpha(subs[i]); n++ {
		i++ // extlang
	}
	if i < len(subs) && len(subs[i]) == 4 && isAlpha(subs[i]) {
		i++ // script
	}
	if i < len(subs) && (len(subs[i]) == 2 && isAlpha(subs[i]) || len(subs[i]) == 3 && isDigits(subs[i])) {
		i++ // region
	}
	for i < len(subs) && isVariant(subs[i]) {
		i++
	}
	for i < len(subs) && len(subs[i]) == 1 && subs[i] != "x" {
		single := subs[i]
		i++
		n := 0
		for i < len(subs) && len(subs[i]) >= 2 {
			i++
			n++
		}
		if n == 0 {
			return fail(fmt.Sprintf("extension %q needs at least one subtag of 2–8 letters or digits after it", single))
		}
	}
	if i < len(subs) && subs[i] == "x" {
		return checkPrivateUse(subs[i:], fail)
	}
	if i < len(subs) {
		return fail(fmt.Sprintf("subtag %q is out of place (expected order: language, script of 4 letters, region of 2 letters or 3 digits, variants, extensions)", subs[i]))
	}
	return nil
}

func checkPrivateUse(subs []string, fail func(string) error) error {
	if len(subs) < 2 {
		return fail(`private use "x" needs at least one subtag after it, as in x-custom`)
	}
	return nil // each subtag is already known to be 1–8 alphanumerics
}

func isVariant(s string) bool {
	return len(s) >= 5 && len(s) <= 8 || len(s) == 4 && s[0] >= '0' && s[0] <= '9'
}

func isAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isAlnum reports ASCII letters and digits only (s is lower case).
func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
