package templates

// Templates of the keys page offered by URL-mode elicitation.
var (
	// AuthElicit is the message the client shows with the page's URL.
	AuthElicit = T[KeysPage]("auth/elicit")
	// AuthPageOpened is the tool result after the user agreed to open it.
	AuthPageOpened = T[KeysPage]("auth/page_opened")
)

// KeysPage fills the auth templates; it never holds a key.
type KeysPage struct {
	Provider   string // display name
	ProviderID string
	Tool       string // the tool that needed the keys
	Minutes    int    // how long the page stays valid
}
