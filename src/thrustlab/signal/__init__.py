"""Pure numpy signal functions: resampling, filters, spectra and orientation.

numpy only (no scipy): ``scipy.signal`` alone takes longer to import than a whole
``thrustlab analyze`` may take.
"""
