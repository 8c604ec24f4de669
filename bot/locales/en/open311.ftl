# Open311 GeoReport v2 (bot/open311): what a 12345 platform or city system reads.
open311-citizen = citizen
open311-resolution = Resolution: { $note }
open311-via = via the "{ $client }" API
open311-notice = Received and passed to the grid.
