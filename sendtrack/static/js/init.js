// Start GOV.UK Frontend components. Kept in a file so the CSP can forbid inline script.
import { initAll } from '../govuk/govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
