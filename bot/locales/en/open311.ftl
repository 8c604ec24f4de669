# Open311 GeoReport v2 (bot/open311): what city systems read in status_notes and service_notice.
open311-note-claimed = Claimed by a grid worker, in progress
open311-note-answered = The grid answered the citizen
open311-note-resolved = Resolved
open311-note-explained = Explained to the citizen
open311-note-handled = Assessed: handled at once
open311-note-assigned = Assessed: assigned to a department
open311-note-escalated = Escalated to the level above
open311-note-sent-back = Sent back to the level below
open311-note-reopened = The citizen was not satisfied: reopened
open311-note-supervised = Supervised by a people's deputy
open311-note-rated = Rated by the citizen
open311-notice-deadline = Usually handled within { $days } working days
open311-grid-datatype = Grid code
open311-grid-description = The grid (village, community, township or street) the request is about
open311-address-line = Address: { $address }
open311-media-line = Picture: { $url }
# discovery.json: whom a city system asks for help and for an API key.
open311-contact-operator = Ask the organisation that runs this service
open311-key-service = Filing requests needs an API key, issued by the organisation that runs this service. Contact: { $contact }
