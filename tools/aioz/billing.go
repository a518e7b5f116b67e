package aioz

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mcp-media/mcp-media/internal/clients/aiozapi"
	"github.com/mcp-media/mcp-media/internal/httpx"
	"github.com/mcp-media/mcp-media/templates"
	"github.com/mcp-media/mcp-media/tools/toolkit"
)

// accountTools are the aioz_account toolset: the account, billing and API
// keys.
func (t *tools) accountTools() []toolkit.Tool {
	ro := toolkit.Annotations{ReadOnly: true, Idempotent: true}
	return append([]toolkit.Tool{
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_account",
			Title:       "Account and balance",
			Description: "The AIOZ Stream account: name, email, wallet address, balance and debt (what transcoding is paid from).",
			Annotations: ro,
		}, t.account),
		toolkit.New(toolkit.Spec{
			Name:        "aioz_get_billing",
			Title:       "Billing",
			Description: "Payment usage (storage, delivery and transcode figures with their costs) for a time range, wallet top-ups and monthly billings, beside the balance.",
			Annotations: ro,
		}, t.billing),
	}, t.apiKeyTools()...)
}

// AccountOutput is the account aioz_get_account reads (U1).
type AccountOutput struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Balance string `json:"balance" jsonschema_description:"As AIOZ reports it (a decimal string)"`
	Debt    string `json:"debt"`
	Wallet  string `json:"wallet_address,omitempty" jsonschema_description:"The AIOZ wallet top-ups are paid to"`
}

func (t *tools) account(ctx context.Context, _ *toolkit.Call, _ struct{}) (AccountOutput, string, error) {
	client, err := t.client.Get()
	if err != nil {
		return AccountOutput{}, "", err
	}
	u, err := client.Me(ctx)
	if err != nil {
		return AccountOutput{}, "", err
	}
	out := AccountOutput{ID: u.ID, Name: strings.TrimSpace(u.FirstName + " " + u.LastName), Email: u.Email, Balance: u.Balance, Debt: u.Debt, Wallet: u.Wallet}
	text, err := templates.AIOZAccount.Render(templates.Account{Name: out.Name, ID: out.ID, Email: out.Email, Balance: out.Balance, Debt: out.Debt, Wallet: out.Wallet})
	return out, text, err
}

// BillingInput are aioz_get_billing's arguments.
type BillingInput struct {
	From    string `json:"from,omitempty" jsonschema:"maxLength=64" jsonschema_description:"Usage range start: dd/mm/yyyy, yyyy-mm-dd, ISO 8601, UNIX seconds or 'last 30 days' (default: last 30 days)"`
	To      string `json:"to,omitempty" jsonschema:"maxLength=64"`
	Limit   int    `json:"limit,omitempty" jsonschema:"minimum=1,maximum=100,default=10" jsonschema_description:"Top-ups and monthly billings to list"`
	OrderBy string `json:"order_by,omitempty" jsonschema:"enum=asc,enum=desc,default=desc" jsonschema_description:"Order of top-ups and billings by date"`
}

// BillingOutput is the account's money.
type BillingOutput struct {
	Balance       string           `json:"balance"`
	TimeRange     TimeRange        `json:"time_range"`
	Usage         map[string]any   `json:"usage" jsonschema_description:"storage (bytes), delivery (bytes), transcode (seconds) and their *_cost, as AIOZ names them"`
	TopUps        []map[string]any `json:"top_ups"`
	TopUpsTotal   int              `json:"top_ups_total"`
	Billings      []map[string]any `json:"billings"`
	BillingsTotal int              `json:"billings_total"`
	Unavailable   []string         `json:"unavailable,omitempty" jsonschema_description:"Parts AIOZ did not serve (the payment endpoints are documented by seed 001 only)"`
}

func (t *tools) billing(ctx context.Context, _ *toolkit.Call, in BillingInput) (BillingOutput, string, error) {
	from := in.From
	if from == "" {
		from = "last 30 days"
	}
	tr, client, err := t.start(When{From: from, To: in.To})
	if err != nil {
		return BillingOutput{}, "", err
	}
	u, err := client.Me(ctx)
	if err != nil {
		return BillingOutput{}, "", err
	}
	out := BillingOutput{Balance: u.Balance, TimeRange: tr, Usage: map[string]any{}, TopUps: []map[string]any{}, Billings: []map[string]any{}}
	var notes []string
	// The payment endpoints may be retired (spec §6.9): a 404 is reported,
	// anything else fails the call.
	missing := func(part string, err error) error {
		if httpx.StatusOf(err) == 404 {
			out.Unavailable = append(out.Unavailable, part)
			notes = append(notes, "AIOZ did not serve "+part+" (404): the payment endpoints are documented by seed 001 only and may be retired.")
			return nil
		}
		return fmt.Errorf("%s: %w", part, err)
	}
	if usage, err := client.PaymentUsage(ctx, tr.FromUnix, tr.ToUnix); err == nil {
		out.Usage = usage
	} else if err := missing("usage", err); err != nil {
		return BillingOutput{}, "", err
	}
	page := aiozapi.PaymentPage{Limit: in.Limit, OrderBy: in.OrderBy}
	if rows, err := client.TopUps(ctx, page); err == nil {
		out.TopUps, out.TopUpsTotal = nonNil(rows.Rows), rows.Total
	} else if err := missing("top-ups", err); err != nil {
		return BillingOutput{}, "", err
	}
	if rows, err := client.Billings(ctx, page); err == nil {
		out.Billings, out.BillingsTotal = nonNil(rows.Rows), rows.Total
	} else if err := missing("billings", err); err != nil {
		return BillingOutput{}, "", err
	}
	d := templates.Billing{Balance: u.Balance, From: tr.From, To: tr.To, Conversion: tr.Conversion, Notes: notes}
	for _, f := range []struct{ label, key, unit string }{{"Storage", "storage", "bytes"}, {"Delivery", "delivery", "bytes"}, {"Transcode", "transcode", "s"}} {
		if _, ok := out.Usage[f.key]; ok {
			d.Usage = append(d.Usage, templates.BillingFigure{Name: f.label, Amount: amount(out.Usage[f.key], f.unit), Cost: str(out.Usage[f.key+"_cost"])})
		}
	}
	if v, ok := out.Usage["total_cost"]; ok {
		d.Usage = append(d.Usage, templates.BillingFigure{Name: "**Total**", Amount: "", Cost: str(v)})
	}
	for _, r := range out.TopUps {
		d.TopUps = append(d.TopUps, templates.TopUpRow{When: str(r["created_at"]), Amount: str(r["amount"]), Status: str(r["status"]), TransactionID: str(r["transaction_id"])})
	}
	for _, r := range out.Billings {
		d.Months = append(d.Months, templates.BillingMonth{Month: str(r["month"]), Storage: amount(r["storage"], "bytes"),
			Delivery: amount(r["delivery"], "bytes"), Transcode: amount(r["transcode"], "s"), Cost: str(r["total_cost"])})
	}
	text, err := templates.AIOZBilling.Render(d)
	return out, text, err
}

func nonNil(rows []map[string]any) []map[string]any {
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}

// str prints a JSON value for a table cell ("—" when absent).
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case string:
		return templates.Cell(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return strings.Join(keys, ", ")
	}
	return fmt.Sprint(v)
}

// amount prints a figure with its unit, bytes in human form.
func amount(v any, unit string) string {
	f, ok := v.(float64)
	if !ok {
		return str(v)
	}
	if unit == "bytes" {
		return humanBytes(f)
	}
	return strconv.FormatFloat(f, 'f', -1, 64) + " " + unit
}

func humanBytes(b float64) string {
	units := []string{"B", "KB", "MB", "GB", "TB", "PB"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	if i == 0 {
		return strconv.FormatFloat(b, 'f', 0, 64) + " B"
	}
	return strconv.FormatFloat(b, 'f', 2, 64) + " " + units[i]
}
