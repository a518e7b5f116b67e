package templates

// AIOZ template names for subtitles, players and playlists.
var (
	AIOZChangeCard   = T[ChangeCard]("aioz/change_card")
	AIOZSubtitles    = T[Subtitles]("aioz/subtitles")
	AIOZPlayerCard   = T[PlayerCard]("aioz/player_card")
	AIOZPlayerList   = T[PlayerList]("aioz/player_list")
	AIOZPlaylistCard = T[PlaylistCard]("aioz/playlist_card")
	AIOZPlaylistList = T[PlaylistList]("aioz/playlist_list")
)

// ChangeCard fills aioz/change_card: one change (a subtitle added or
// deleted, a player assigned, a playlist item removed, …) with its fields,
// the conversions applied to the input, warnings and next steps.
type ChangeCard struct {
	Icon, Heading string
	Fields        []Field
	Conversions   []string // "theme.main_color: red → rgba(255, 0, 0, 1)"
	Notes         []string
	Next          []string
	Preview       string // a few lines of a file (WebVTT), shown as a code block
}

// Subtitles fills aioz/subtitles: a media's subtitles.
type Subtitles struct {
	MediaID string
	Rows    []SubtitleRow
	Total   int
	Family  string // "transcripts" when only seed 001's paths answered
}

// SubtitleRow is one language's subtitle.
type SubtitleRow struct {
	Language, Status, URL string
	IsDefault             bool
}

// PlayerCard fills aioz/player_card: one player theme.
type PlayerCard struct {
	Heading     string
	ID, Name    string
	IsDefault   bool
	Theme       []Field // set theme values
	Controls    []Field
	Logo        string // logo image URL, "" for none
	LogoLink    string
	Conversions []string
	Notes       []string
	Next        []string
}

// PlayerList fills aioz/player_list.
type PlayerList struct {
	Search     string
	Rows       []PlayerRow
	Total      int
	NextOffset int
}

// PlayerRow is one player theme of a list.
type PlayerRow struct {
	ID, Name  string
	IsDefault bool
	HasLogo   bool
}

// PlaylistCard fills aioz/playlist_card: a playlist with its items in
// linked-list order.
type PlaylistCard struct {
	Heading     string
	ID, Name    string
	Tags        string
	ItemCount   int
	Thumbnail   string
	Fields      []Field
	Items       []PlaylistRow
	ItemsShown  bool // false: the card is about the playlist only
	Conversions []string
	Notes       []string
	Next        []string
}

// PlaylistRow is one item, numbered from 1.
type PlaylistRow struct {
	Position        int
	ItemID, VideoID string
	Title           string
	Marked          bool // the item the change was about
}

// PlaylistList fills aioz/playlist_list.
type PlaylistList struct {
	Search     string
	Rows       []PlaylistListRow
	Total      int
	NextOffset int
}

// PlaylistListRow is one playlist of a list.
type PlaylistListRow struct {
	ID, Name, Tags string
	Items          int
}
