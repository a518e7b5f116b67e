package aiozfake

import (
	"net/http"
	"strconv"
)

// userJSON is the OA User schema; every field is a string, balance and
// debt included (spec §5.5).
type userJSON struct {
	ID                   string `json:"id"`
	FirstName            string `json:"first_name"`
	LastName             string `json:"last_name"`
	Email                string `json:"email"`
	WalletAddress        string `json:"wallet_address"`
	WalletConnection     string `json:"wallet_connection"`
	Balance              string `json:"balance"`
	Debt                 string `json:"debt"`
	ExclusiveCode        string `json:"exclusive_code"`
	MediaQualitiesConfig string `json:"media_qualities_config"`
	LastRequestedAt      string `json:"last_requested_at"`
	CreatedAt            string `json:"created_at"`
	UpdatedAt            string `json:"updated_at"`
	DeletedAt            string `json:"deleted_at"`
}

// handleUserMe serves U1 GET /user/me: the single sandbox account.
func (s *Server) handleUserMe(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	bal := s.balance
	now := s.now()
	s.mu.Unlock()
	u := userJSON{
		ID:                   UserID,
		FirstName:            "Sandbox",
		LastName:             "User",
		Email:                "sandbox@example.invalid",
		WalletAddress:        "0x00000000000000000000000000000000000a1020",
		WalletConnection:     "",
		Balance:              strconv.FormatFloat(bal, 'f', -1, 64),
		Debt:                 "0",
		ExclusiveCode:        "",
		MediaQualitiesConfig: "",
		LastRequestedAt:      rfc3339(now),
		CreatedAt:            "2024-01-01T00:00:00Z",
		UpdatedAt:            "2024-01-01T00:00:00Z",
		DeletedAt:            "",
	}
	writeData(w, http.StatusOK, map[string]any{"user": u})
}
