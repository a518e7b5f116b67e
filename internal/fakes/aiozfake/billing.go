package aiozfake

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Payments (spec §6.9, seed 001 only). Every field name except
// transaction_id and status is fake-only (the seed gives no shapes):
// usage and billings carry storage (bytes), delivery (bytes), transcode
// (seconds) and their *_cost; top-ups transaction_id, status, amount,
// created_at. The lists take camelCase orderBy/sortBy, as 001 shows; the
// snake_case names of the other lists are refused so a client cannot get
// them wrong silently.

// Fake prices, in AIOZ.
const (
	storageCostPerGB   = 0.002
	deliveryCostPerGB  = 0.01
	transcodeCostPerMn = 0.01
)

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// usageLocked sums the done media created in [from, to).
func (s *Server) usageLocked(from, to int64) map[string]any {
	var storage, delivery int64
	var transcode float64
	for _, m := range s.order {
		c := m.CreatedAt.Unix()
		if m.Status != StatusDone || c < from || c >= to {
			continue
		}
		storage += m.Size
		delivery += m.Size * int64(m.View)
		transcode += m.Duration * float64(max(len(m.Qualities), 1))
	}
	gb := func(b int64) float64 { return float64(b) / 1e9 }
	sc, dc, tc := round6(gb(storage)*storageCostPerGB), round6(gb(delivery)*deliveryCostPerGB), round6(transcode/60*transcodeCostPerMn)
	return map[string]any{"storage": storage, "delivery": delivery, "transcode": math.Round(transcode),
		"storage_cost": sc, "delivery_cost": dc, "transcode_cost": tc, "total_cost": round6(sc + dc + tc)}
}

// handlePaymentUsage serves Y1 GET /payment/usage?from&to (UNIX seconds).
func (s *Server) handlePaymentUsage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err1 := strconv.ParseInt(q.Get("from"), 10, 64)
	to, err2 := strconv.ParseInt(q.Get("to"), 10, 64)
	if err1 != nil || err2 != nil {
		writeError(w, badRequest("from and to are required UNIX timestamps"))
		return
	}
	if from > to {
		writeError(w, badRequest("from must not be after to"))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeData(w, http.StatusOK, s.usageLocked(from, to))
}

// camelPage parses the payment lists' limit, offset, orderBy (and sortBy
// when allowed).
func camelPage(r *http.Request, sortable bool) (offset, limit int, desc bool, err error) {
	q := r.URL.Query()
	for _, snake := range []string{"order_by", "sort_by"} {
		if q.Has(snake) {
			return 0, 0, false, badRequest("unknown parameter %s: the payment endpoints take orderBy and sortBy", snake)
		}
	}
	if q.Has("sortBy") && !sortable {
		return 0, 0, false, badRequest("sortBy is not supported here")
	}
	if _, err := enumOr("sortBy", q.Get("sortBy"), "created_at", []string{"created_at"}); err != nil {
		return 0, 0, false, err
	}
	ob, err := enumOr("orderBy", q.Get("orderBy"), "desc", []string{"asc", "desc"})
	if err != nil {
		return 0, 0, false, err
	}
	desc = ob == "desc"
	offset, limit, err = pageParams(r)
	return offset, limit, desc, err
}

// handleTopUps serves Y2 GET /payment/top_ups: two synthetic top-ups.
func (s *Server) handleTopUps(w http.ResponseWriter, r *http.Request) {
	offset, limit, desc, err := camelPage(r, true)
	if err != nil {
		writeError(w, err)
		return
	}
	list := []map[string]any{
		{"transaction_id": "0x5a1e0000000000000000000000000000000000000000000000000000000000a1", "status": "success", "amount": 50.0, "created_at": "2024-01-01T00:00:00Z"},
		{"transaction_id": "0x5a1e0000000000000000000000000000000000000000000000000000000000a2", "status": "success", "amount": 50.0, "created_at": "2024-02-01T00:00:00Z"},
	}
	if desc {
		list[0], list[1] = list[1], list[0]
	}
	writePage(w, "top_ups", list, offset, limit)
}

// handleBillings serves Y3 GET /payment/billings: one row per month of the
// last three.
func (s *Server) handleBillings(w http.ResponseWriter, r *http.Request) {
	offset, limit, desc, err := camelPage(r, false)
	if err != nil {
		writeError(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	var list []map[string]any
	for i := 2; i >= 0; i-- {
		start := first.AddDate(0, -i, 0)
		row := s.usageLocked(start.Unix(), start.AddDate(0, 1, 0).Unix())
		row["month"] = start.Format("2006-01")
		list = append(list, row)
	}
	if desc {
		slices.Reverse(list)
	}
	writePage(w, "billings", list, offset, limit)
}
