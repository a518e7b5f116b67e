package doraapi

import (
	"encoding/json"
	"strings"
)

// Normalised moderation decisions, across the Shumei (PASS / REVIEW /
// REJECT) and Yitu (pass / review / block, quirk 80) vocabularies.
const (
	Pass   = "pass"
	Review = "review"
	Block  = "block"
)

// Verdict is one moderation decision in a form common to every censor,
// with the provider's own values kept beside the normalised ones.
type Verdict struct {
	// Decision is pass, review or block.
	Decision string `json:"decision"`
	// RiskType is the normalised risk: none, politics, terrorism, anthem,
	// porn, sexy, abuse, moan, ad, qr_code, watermark, spam, meaningless,
	// violation, bad_scene, minor, contraband, blacklist, whitelist, other,
	// black_account, black_ip, high_risk_account, custom, silence,
	// no_voice, unknown.
	RiskType string `json:"risk_type,omitempty"`
	// RiskLabel is the provider's name for the risk (涉政, or a Yitu
	// label such as POLITICS).
	RiskLabel string `json:"risk_label,omitempty"`
	// ProviderLevel is riskLevel (Shumei) or result (Yitu), verbatim.
	ProviderLevel string `json:"provider_level,omitempty"`
	// ProviderRiskType is Shumei's numeric riskType, verbatim.
	ProviderRiskType *int `json:"provider_risk_type,omitempty"`
	// Score is Shumei's 0–1000 score or Yitu's 0–100 probability.
	Score *float64 `json:"score,omitempty"`
	// Description is the provider's reason (for people; the docs say
	// programs must not rely on it).
	Description string `json:"description,omitempty"`
	// Matched is a matched sensitive word, when the provider names one.
	Matched string `json:"matched,omitempty"`
}

// Risk-type pages (quirk 13: the same number means different things).
const (
	pageImage       = "image"       // p007 image, p009 frames
	pageAudio       = "audio"       // p008 audio file, p009 audio track
	pageAudioStream = "audiostream" // p003 (700 = 其他)
)

type risk struct{ norm, label string }

var audioRisks = map[int]risk{
	0: {"none", "正常"}, 100: {"politics", "涉政"}, 110: {"terrorism", "暴恐"}, 120: {"anthem", "国歌"},
	200: {"porn", "色情"}, 210: {"abuse", "辱骂"}, 250: {"moan", "娇喘"}, 300: {"ad", "广告"},
	400: {"spam", "灌水"}, 500: {"meaningless", "无意义"}, 600: {"contraband", "违禁"}, 700: {"blacklist", "黑名单"},
	720: {"black_account", "黑账号"}, 730: {"black_ip", "黑IP"}, 800: {"high_risk_account", "高危账号"}, 900: {"custom", "自定义"},
}

var imageRisks = map[int]risk{
	0: {"none", "正常"}, 100: {"politics", "涉政"}, 200: {"porn", "色情"}, 210: {"sexy", "性感"},
	300: {"ad", "广告"}, 310: {"qr_code", "二维码"}, 320: {"watermark", "水印"}, 400: {"terrorism", "暴恐"},
	500: {"violation", "违规"}, 510: {"bad_scene", "不良场景"}, 520: {"minor", "未成年人"}, 700: {"blacklist", "黑名单"},
	710: {"whitelist", "白名单"}, 800: {"high_risk_account", "高危账号"}, 900: {"custom", "自定义"},
}

var yituRisks = map[string]string{
	"NORMAL": "none", "NONHUMAN": "no_voice", "SILENCE": "silence", "POLITICS": "politics", "PORN": "porn",
	"MOAN": "moan", "ABUSE": "abuse", "CONTRABAND": "contraband", "AD": "ad", "CUSTOMIZED": "custom",
}

// decision normalises a riskLevel or Yitu result.
func decision(level string) string {
	switch strings.ToUpper(strings.TrimSpace(level)) {
	case "PASS":
		return Pass
	case "REVIEW":
		return Review
	case "REJECT", "BLOCK":
		return Block
	}
	return ""
}

// severity orders decisions for picking the worst.
func severity(d string) int {
	switch d {
	case Block:
		return 3
	case Review:
		return 2
	case Pass:
		return 1
	}
	return 0
}

// shumeiVerdict builds a verdict from Shumei's riskLevel and riskType.
func shumeiVerdict(page, level string, riskType *int, desc string) Verdict {
	v := Verdict{Decision: decision(level), ProviderLevel: level, ProviderRiskType: riskType, Description: desc}
	if riskType != nil {
		table := audioRisks
		if page == pageImage {
			table = imageRisks
		}
		r, ok := table[*riskType]
		switch {
		case page == pageAudioStream && *riskType == 700:
			r, ok = risk{"other", "其他"}, true
		case !ok:
			r = risk{"unknown", ""}
		}
		v.RiskType, v.RiskLabel = r.norm, r.label
	} else if v.Decision == Pass {
		v.RiskType = "none"
	}
	return v
}

// yituVerdict builds a verdict from a Yitu result and label.
func yituVerdict(result, label string, score *float64) Verdict {
	v := Verdict{Decision: decision(result), ProviderLevel: result, RiskLabel: label, Score: score}
	if n, ok := yituRisks[strings.ToUpper(label)]; ok {
		v.RiskType = n
	} else if label != "" {
		v.RiskType = "unknown"
	} else if v.Decision == Pass {
		v.RiskType = "none"
	}
	return v
}

func scoreOf(n *json.Number) *float64 {
	if n == nil {
		return nil
	}
	f, err := n.Float64()
	if err != nil {
		return nil
	}
	return &f
}

func intOf(n *json.Number) *int {
	if n == nil {
		return nil
	}
	i, err := n.Int64()
	if err != nil {
		f, ferr := n.Float64()
		if ferr != nil {
			return nil
		}
		i = int64(f)
	}
	v := int(i)
	return &v
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
