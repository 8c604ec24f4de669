"""People's congress deputies (人大代表): constituency pushes, the deputy code, the duty day, points."""
